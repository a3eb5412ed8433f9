"""Code actions: a finding's fix, all safe fixes of a document, and a `# noqa` for a
finding; each an edit of the buffer the client applies (the server never writes a file)."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from fastlint.fix.add_noqa import NoqaOutcome, add_noqa_to_file
from fastlint.analysis import SYNTAX_ERROR
from fastlint.diagnostics import Applicability, Diagnostic
from fastlint.fix.fixer import fix_source
from fastlint.server.positions import LineIndex, buffer_bytes
from fastlint.files.source import SourceError, SourceFile, decode_source
from fastlint.unused_noqa import UNUSED_NOQA

FIX_ALL = "source.fixAll.fastlint"
QUICK_FIX = types.CodeActionKind.QuickFix.value
# Unsafe fixes may change behaviour: unless the project allows them (`unsafe-fixes = true`)
# they are offered apart from the quick fixes, among the rewrites.
UNSAFE_FIX = "refactor.rewrite.fastlint.unsafe"


def wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Whether the client asked for this kind of action (kinds are dotted hierarchies)."""
    return not only or any(kind == asked or kind.startswith(f"{asked}.") for asked in only)


def workspace_edit(uri: str, version: int | None, index: LineIndex, new_text: str,
                   versioned: bool) -> types.WorkspaceEdit | None:
    """The edit turning the buffer into `new_text`, tied to its version when the client can."""
    edit = index.edit_to(new_text)
    if edit is None:
        return None
    if versioned:
        document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(document, [edit])])
    return types.WorkspaceEdit(changes={uri: [edit]})


def _source(path: str, text: str) -> SourceFile | None:
    try:
        return decode_source(path, buffer_bytes(text))
    except SourceError:
        return None


def fixed_text(path: str, text: str, diagnostic: Diagnostic) -> str | None:
    """The buffer with one finding's fix applied (and the imports it needs)."""
    source = _source(path, text)
    if source is None or diagnostic.fix is None:
        return None
    fixed, applied, _ = fix_source(source, [diagnostic.fix])
    return fixed if applied else None


def suppressed_text(path: str, text: str, diagnostic: Diagnostic) -> str | None:
    """The buffer with `# noqa: CODE` on the finding's line, merged into a noqa there."""
    source = _source(path, text)
    if source is None:
        return None
    fixed, added = add_noqa_to_file(source, [diagnostic], NoqaOutcome())
    return fixed if added else None


def finding_actions(path: str, uri: str, version: int | None, index: LineIndex,
                    found: Sequence[tuple[Diagnostic, types.Diagnostic]],
                    only: Sequence[str] | None, unsafe_allowed: bool,
                    versioned: bool) -> list[types.CodeAction]:
    """The fix and the noqa of each finding (with the protocol diagnostic it was sent as)."""
    actions: list[types.CodeAction] = []
    for diagnostic, sent in found:
        fix = diagnostic.fix
        if fix is not None:
            unsafe = fix.applicability is Applicability.UNSAFE
            kind = QUICK_FIX if not unsafe or unsafe_allowed else UNSAFE_FIX
            fixed = fixed_text(path, index.text, diagnostic) if wanted(kind, only) else None
            edit = workspace_edit(uri, version, index, fixed, versioned) if fixed else None
            if edit is not None:
                label = " (unsafe: may change behaviour)" if unsafe else ""
                actions.append(types.CodeAction(
                    title=f"{diagnostic.code}: {fix.message}{label}", kind=kind,
                    diagnostics=[sent], edit=edit, is_preferred=not unsafe,
                ))
        if diagnostic.code in (SYNTAX_ERROR, UNUSED_NOQA) or not wanted(QUICK_FIX, only):
            continue
        suppressed = suppressed_text(path, index.text, diagnostic)
        edit = workspace_edit(uri, version, index, suppressed, versioned) if suppressed else None
        if edit is not None:
            actions.append(types.CodeAction(
                title=f"Suppress {diagnostic.code} on this line (# noqa: {diagnostic.code})",
                kind=QUICK_FIX, diagnostics=[sent], edit=edit,
            ))
    return actions
