"""`fastlint server`: a language server (LSP over stdio) on pygls.

Only the `fastlint server` command imports this package (pygls is the `server` extra):
- `positions`: fastlint's rows and columns ↔ the protocol's positions, URIs ↔ paths;
- `settings`: the client's settings (select / ignore);
- `project_state`: one project (a configuration root) held in memory, its open buffers
  checked within the whole project's model;
- `translate`: findings → protocol diagnostics, hovers;
- `actions`: code actions (a finding's fix, fix all, suppress with noqa) as workspace edits;
- `app`: the server's state: one project per configuration root, debounced checks in a
  worker thread, what was published for each document;
- `handlers`: the protocol's notifications and requests, handed to the server.
"""

from __future__ import annotations

from pathlib import Path


def serve(use_cache: bool = True, cache_dir: Path | None = None) -> None:
    """Run the server on stdin/stdout until the client asks it to exit."""
    from fastlint.server.handlers import create_server

    server = create_server()
    server.use_cache, server.cache_dir = use_cache, cache_dir
    server.start_io()
