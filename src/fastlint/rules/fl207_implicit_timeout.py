"""FL207 implicit-timeout: an httpx client or call that relies on httpx's 5-second default.

Bad:
    client = httpx.AsyncClient(base_url=settings.users_url)

Good:
    client = httpx.AsyncClient(base_url=settings.users_url, timeout=httpx.Timeout(10.0, connect=2.0))

Opt-in: the default is bounded (unlike `requests`, FL202), so it is a choice to make
explicit, not a hang.
"""

from __future__ import annotations

from fastlint.facts.records import Val
from fastlint.rules.outbound_timeouts import TimeoutRule, is_implicit_default


class ImplicitTimeout(TimeoutRule):
    code = "FL207"
    name = "implicit-timeout"
    summary = "An httpx client or call relies on httpx's implicit 5-second timeout"
    default_on = False
    severity = "warning"

    def reports(self, symbol: str, timeout: Val | None) -> bool:
        return is_implicit_default(symbol, timeout)
