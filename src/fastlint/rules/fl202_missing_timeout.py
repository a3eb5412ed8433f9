"""FL202 missing-timeout: an outbound HTTP call or client that can wait (nearly) forever.

Bad:
    requests.get(url)                 # waits forever on a server that never answers

Good:
    requests.get(url, timeout=10.0)

httpx's implicit 5-second default is bounded: that is FL207 (opt-in).
"""

from __future__ import annotations

from fastlint.facts.records import Val
from fastlint.rules.outbound_timeouts import TimeoutRule, is_implicit_default


class MissingTimeout(TimeoutRule):
    code = "FL202"
    name = "missing-timeout"
    summary = "An outbound HTTP call or client has no timeout: it can wait forever"

    def reports(self, symbol: str, timeout: Val | None) -> bool:
        return not is_implicit_default(symbol, timeout)
