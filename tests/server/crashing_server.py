"""`fastlint server` with one project rule (FL102) that always raises: for the test that a
crashing rule is logged and the server keeps serving."""

from fastlint.rules.fl102_blocking_call_via_helper import BlockingCallViaHelper
from fastlint.server import serve


def _crash(self, project):
    raise RuntimeError("boom")


BlockingCallViaHelper.check = _crash  # type: ignore[method-assign]
serve()
