"""The interpreter matrix: `nox` runs the whole suite on every Python fastlint supports
(those installed; the others are skipped), `nox -s syntax` only the syntax/version tests."""

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13", "3.14"]
nox.options.error_on_missing_interpreters = False


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("pytest", "-q", *session.posargs)


@nox.session(python=PYTHONS)
def syntax(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("pytest", "-q", "-m", "syntax", *session.posargs)
