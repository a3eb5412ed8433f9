"""Fuzzing with every rule on: for generated programs `check` never raises, `fix` output
parses, `fix` is idempotent, and a file without a finding is never touched.

Three sources of programs: random grammar (hypothesmith), FastAPI-shaped projects built from
templates (`programs.py`), and those projects mutated line by line into half-broken code.
The default run is bounded (fixed seeds, ~a minute); `-m slow` explores at length.
"""

from __future__ import annotations

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from robustness.harness import FUZZ_COUNTS, assert_check_is_sound, assert_fix_is_sound
from robustness.programs import fastapi_project, module, written

# hypothesmith compiles what it generates; Python's SyntaxWarnings about it are noise here.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
BOUNDED = dict(deadline=None, derandomize=True, suppress_health_check=_QUIET, database=None)
LONG = dict(deadline=None, suppress_health_check=_QUIET)


def _fix(files: dict[str, str | bytes]) -> None:
    outcome = assert_fix_is_sound(files)
    FUZZ_COUNTS["programs"] += 1
    FUZZ_COUNTS["findings"] += outcome.findings
    FUZZ_COUNTS["files fixed and re-parsed"] += outcome.files_fixed


def _check(files: dict[str, str | bytes]) -> None:
    FUZZ_COUNTS["findings"] += assert_check_is_sound(files)
    FUZZ_COUNTS["programs"] += 1


@st.composite
def mutated_module(draw) -> bytes:
    """A FastAPI module with a few lines deleted, duplicated, swapped, cut short or
    re-indented: the half-edited files a pre-commit hook really sees."""
    lines = draw(module()).split("\n")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        operation = draw(st.sampled_from(["delete", "duplicate", "swap", "truncate", "indent",
                                          "dedent", "asyncify", "insert"]))
        if operation == "delete":
            del lines[at]
        elif operation == "duplicate":
            lines.insert(at, lines[at])
        elif operation == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif operation == "truncate":
            lines[at] = lines[at][: draw(st.integers(0, len(lines[at])))]
        elif operation == "indent":
            lines[at] = "    " + lines[at]
        elif operation == "dedent":
            lines[at] = lines[at].lstrip()
        elif operation == "asyncify":
            lines[at] = lines[at].replace("def ", "async def ").replace("with ", "async with ")
        else:
            lines.insert(at, draw(st.sampled_from(["    await x", "    yield", "return 1", "(", '"""',
                                                   "    time.sleep(1)", "\tpass", "# noqa"])))
        if not lines:
            lines = [""]
    return draw(written("\n".join(lines)))


# ---------------------------------------------------------------------- bounded (default run)
@settings(max_examples=80, **BOUNDED)
@given(hypothesmith.from_grammar())
def test_check_never_raises_on_random_grammar(source):
    _check({"fuzz.py": source})


@settings(max_examples=80, **BOUNDED)
@given(hypothesmith.from_grammar())
def test_fix_is_sound_on_random_grammar(source):
    _fix({"fuzz.py": source})


@settings(max_examples=180, **BOUNDED)
@given(fastapi_project())
def test_fix_is_sound_on_fastapi_projects(files):
    _fix(files)


@settings(max_examples=120, **BOUNDED)
@given(mutated_module())
def test_fix_is_sound_on_mutated_fastapi_modules(source):
    _fix({"main.py": source})


# ---------------------------------------------------------------------- long runs (-m slow)
@pytest.mark.slow
@settings(max_examples=1500, **LONG)
@given(hypothesmith.from_grammar())
def test_fix_is_sound_on_random_grammar_at_length(source):
    _fix({"fuzz.py": source})


@pytest.mark.slow
@settings(max_examples=300, **LONG)
@given(hypothesmith.from_node())
def test_fix_is_sound_on_libcst_generated_programs(source):
    _fix({"fuzz.py": source})


@pytest.mark.slow
@settings(max_examples=3000, **LONG)
@given(fastapi_project())
def test_fix_is_sound_on_fastapi_projects_at_length(files):
    _fix(files)


@pytest.mark.slow
@settings(max_examples=2000, **LONG)
@given(mutated_module())
def test_fix_is_sound_on_mutated_fastapi_modules_at_length(source):
    _fix({"main.py": source})
