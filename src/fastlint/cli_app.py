"""The command line's frame: the typer app, its shared options and formats, and how a
command fails (exit 2 with a message).

Imports nothing of fastlint's but the version; the commands import what they use when run.
"""

from __future__ import annotations

import os
from enum import Enum
from typing import Optional

import typer

from fastlint import __version__

app = typer.Typer(
    name="fastlint",
    help="A static analyzer for FastAPI codebases.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class CheckFormat(str, Enum):
    full = "full"
    text = "text"
    concise = "concise"
    grouped = "grouped"
    json = "json"
    json_lines = "json-lines"
    sarif = "sarif"
    github = "github"
    gitlab = "gitlab"
    junit = "junit"


class TableFormat(str, Enum):
    text = "text"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fastlint {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_callback(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """A static analyzer for FastAPI codebases."""


def _codes(values: Optional[list[str]]) -> tuple[str, ...]:
    codes: list[str] = []
    for value in values or ():
        codes.extend(part.strip().upper() for part in value.split(",") if part.strip())
    return tuple(codes)


def _use_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def _fail(message: str) -> None:
    typer.echo(f"fastlint: error: {message}", err=True)
    raise typer.Exit(2)



_PATHS = typer.Argument(None, help="Files or directories to check (default: .)")
_SELECT = typer.Option(None, "--select", help="Rule codes or prefixes to enable (replaces the config's).")
_EXTEND = typer.Option(None, "--extend-select", help="Rule codes or prefixes to enable as well.")
_IGNORE = typer.Option(None, "--ignore", help="Rule codes or prefixes to disable.")
_UNSAFE = typer.Option(None, "--unsafe-fixes/--no-unsafe-fixes", help="Also apply fixes that may change behaviour.")
_DIFF = typer.Option(False, "--diff", help="Print the fixes as a unified diff; write nothing.")
_SHOW = typer.Option(False, "--show-fixes", help="List the fixes applied.")
_STATS = typer.Option(False, "--statistics", help="Count findings per rule.")
_FORMAT = typer.Option(CheckFormat.full, "--output-format",
                       help="full, concise, grouped, json, json-lines, sarif, github, gitlab or junit.")
_OUTPUT_FILE = typer.Option(None, "--output-file", "-o",
                            help="Write the report in --output-format to FILE; the terminal gets the full text.")
_EXIT_ZERO = typer.Option(False, "--exit-zero", help="Exit 0 even when there are findings.")
_CONFIG = typer.Option(None, "--config", help="Use this pyproject.toml instead of the nearest one.")
_QUIET = typer.Option(False, "--quiet", "-q", help="Print only the summary.")
_JOBS = typer.Option(None, "--jobs", "-j", help="Worker processes for the per-file stage (default: CPU count).")
_NO_CACHE = typer.Option(False, "--no-cache", help="Neither read nor write the cache.")
_CACHE_DIR = typer.Option(None, "--cache-dir", envvar="FASTLINT_CACHE_DIR",
                          help="Where the cache lives (default: .fastlint_cache beside pyproject.toml).")
