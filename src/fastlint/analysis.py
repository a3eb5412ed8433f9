"""The per-file map: bytes → FileFacts and file-local diagnostics, with FL001 for bad input.

This function is what runs in worker processes and what the cache stores; it depends only
on the file's bytes, its module name and the rule set.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from fastlint.facts.collect import Collector, NodeHandler
from fastlint.diagnostics import Diagnostic
from fastlint.facts.records import FileFacts
from fastlint.noqa import find_noqa
from fastlint.files.parse import ParseFailure, parse_module
from fastlint.rules import all_rules
from fastlint.rules.base import FileRule
from fastlint.facts.results import SYNTAX_ERROR, FileResult, ModuleInfo, RuleSet
from fastlint.files.source import SourceError, decode_source, read_bytes
from fastlint.files.source_reads import SourceReads
from fastlint.files.trivia import TriviaSignature, trivia_signature

__all__ = ["SYNTAX_ERROR", "FileResult", "ModuleInfo", "RuleSet", "analyze_file", "analyze_path",
           "analyze_source"]


@lru_cache(maxsize=8)
def file_rules(ruleset: RuleSet) -> tuple[FileRule, ...]:
    settings = ruleset.settings
    return tuple(
        rule(settings)
        for rule in all_rules()
        if issubclass(rule, FileRule) and rule.code in ruleset.codes and rule.node_types
    )


@lru_cache(maxsize=8)
def _handlers(rules: tuple[FileRule, ...]) -> dict[type, list[NodeHandler]]:
    """The rules' visits by the node types they subscribe to."""
    handlers: dict[type, list[NodeHandler]] = {}
    for rule in rules:
        for node_type in rule.node_types:
            handlers.setdefault(node_type, []).append(rule.visit)
    return handlers


NO_RULE_RAN = "no other rule ran on this file"


def _empty_facts(path: str, info: ModuleInfo) -> FileFacts:
    return FileFacts(path=path, module=info.module, is_package=info.is_package, is_test=info.is_test)


def _syntax_error(path: str, info: ModuleInfo, message: str, row: int, col: int) -> FileResult:
    diagnostic = Diagnostic(
        code=SYNTAX_ERROR, message=f"{message}; {NO_RULE_RAN}", path=path, row=row, col=col,
        end_row=row, end_col=col, noqa_row=-1,
    )
    return FileResult(path, _empty_facts(path, info), (diagnostic,))


def analyze_source(path: str, raw: bytes, info: ModuleInfo, ruleset: RuleSet) -> FileResult:
    """Parse one file, collect its facts and run the file-local rules on it."""
    return analyze_file(path, raw, info, ruleset, signed=False)[0]


def analyze_file(path: str, raw: bytes, info: ModuleInfo, ruleset: RuleSet,
                 signed: bool = True) -> tuple[FileResult, TriviaSignature | None]:
    """`analyze_source`, with (when `signed`: the result is cached) what tells a later
    comment-only edit of the file apart (None when the file was not analysed, or no edit of
    it can be trusted; see files/trivia.py)."""
    try:
        source = decode_source(path, raw)
    except SourceError as error:
        return _syntax_error(path, info, f"cannot be parsed: the file {error}", error.row,
                             error.col), None
    try:
        tree, _ = parse_module(source)
    except ParseFailure as failure:
        if failure.is_template:
            return FileResult(path, _empty_facts(path, info), (), skipped=failure.message), None
        return _syntax_error(path, info, f"cannot be parsed: {failure.message}", failure.row,
                             failure.col), None
    errors: list[str] = []
    rules = file_rules(ruleset)

    def failed(visit: NodeHandler, error: Exception) -> None:
        rule: FileRule = visit.__self__  # type: ignore[attr-defined]
        errors.append(f"{path}: rule {rule.code} ({rule.name}) failed: {error.__class__.__name__}: {error}")

    collector = Collector(source, tree, info.module, info.is_package, info.is_test, _handlers(rules),
                          failed)
    # What the file rules read of the text (to build fixes) is part of what the result
    # depends on, beside the tree.
    reads = SourceReads()
    collector.context.source = reads.watch(source)  # type: ignore[assignment]
    try:
        facts = collector.run()
    except RecursionError:
        return _syntax_error(path, info, "cannot be analysed: the code is nested too deeply",
                             1, 0), None
    finally:
        collector.release()
    noqa, file_noqa = find_noqa(source.text)
    facts = replace(facts, noqa=noqa, file_noqa=file_noqa)
    if info.alt_module:
        facts = replace(facts, alt_module=info.alt_module)
    diagnostics = tuple(
        Diagnostic(
            code=code, message=message, path=path, row=span.row, col=span.col,
            end_row=span.end_row, end_col=span.end_col, fix=fix, noqa_row=stmt_row or span.row,
        )
        for code, span, message, fix, stmt_row in collector.reports
    )
    signature = None if errors or not signed else \
        trivia_signature(source, tree, reads.upto.get(path, 0))
    return FileResult(path, facts, diagnostics, tuple(errors)), signature


def analyze_path(path: str, info: ModuleInfo, ruleset: RuleSet) -> FileResult:
    """Read a file from disk and analyse it; read errors become an error line, not a crash."""
    try:
        raw = read_bytes(path)
    except SourceError as error:
        return FileResult(path, None, (), read_error=f"{path}: {error}")
    return analyze_source(path, raw, info, ruleset)
