"""Bugs the corpus sweep (`bench/corpus_sweep.py`) and the fuzzer (`test_fuzz.py`) found, each
reduced to a small project."""

import textwrap

from fastlint.testing import lint
from robustness.harness import assert_fix_is_sound

CLASHING_FIXES = textwrap.dedent('''\
    import time
    from fastapi import APIRouter

    router = APIRouter()


    def load_prompt():
        time.sleep(1)
        return ""


    @router.post("/v1/edit")
    async def edit():
        with open("notes.txt") as handle:
            notes = handle.read()
        prompt = load_prompt()
        return notes + prompt
''')


def test_clashing_fixes_in_one_function_are_applied_over_two_passes_without_an_error():
    # gradio/routes.py: FL101 makes `edit` a plain def (it awaits nothing) while FL102 adds
    # an `await` inside it. Each compiles alone, not together: the first is applied, the
    # next pass re-checks, and nothing is reported as a broken fix.
    outcome = assert_fix_is_sound({"app.py": CLASHING_FIXES})
    assert outcome.files_fixed == 1


OVERLOADED = textwrap.dedent('''\
    import time
    from typing import overload


    def load():
        time.sleep(1)


    class Automation:
        @overload
        async def read(self, id: int) -> "Automation": ...

        @overload
        async def read(self, id: None = None) -> "Automation": ...

        def read(self, id=None):
            return load()
''')


def test_sync_implementation_of_async_overloads_is_not_an_async_caller():
    # prefect/automations.py: the `@overload async def read` stubs share their qualname with
    # the plain `def read`; FL102 took the stubs' `async` for the implementation's and wanted
    # an `await` in a plain def.
    assert lint(OVERLOADED, "FL102") == []
    assert_fix_is_sound({"app.py": OVERLOADED})


def test_async_def_after_a_sync_def_of_the_same_name_is_still_checked():
    source = textwrap.dedent('''\
        import time

        def load():
            time.sleep(1)

        if FAST:
            def fetch():
                return load()
        else:
            async def fetch():
                return load()
    ''')
    assert [d.row for d in lint(source, "FL102")] == [11]


def test_no_await_fix_for_a_blocking_call_in_a_class_body_inside_a_coroutine():
    # Found by the fuzzer: the class body runs on the loop (so the finding stands), but an
    # `await` there is a syntax error, so no await/to_thread fix is offered.
    source = textwrap.dedent('''\
        import time
        import requests

        async def handler():
            await other()
            class Config:
                delay = time.sleep(1)
                page = requests.get("https://example.com", timeout=5)
            return Config
    ''')
    findings = lint(source, "FL101")
    assert [(d.row, d.fix) for d in findings] == [(7, None), (8, None)]
    assert_fix_is_sound({"app.py": source})
