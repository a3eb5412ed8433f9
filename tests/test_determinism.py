"""Findings must not depend on Python's hash seed: set iteration order leaks into which
request path a message cites unless the model orders what it iterates."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DEPENDENCIES = 12


def _project(root: Path) -> Path:
    (root / "pyproject.toml").write_text('[project]\nname = "app"\n')
    app = root / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    lines = [
        "import httpx",
        "from fastapi import APIRouter, Depends, FastAPI",
        "",
        "async def fetch():",
        "    async with httpx.AsyncClient(timeout=5) as client:",
        "        return await client.get('https://example.com')",
        "",
    ]
    for n in range(DEPENDENCIES):
        lines += [f"async def dep_{n}():", "    return await fetch()", ""]
    lines += ["router = APIRouter(prefix='/v1')", ""]
    for n in range(DEPENDENCIES):
        lines += [f"@router.get('/r{n}')", f"async def route_{n}(x=Depends(dep_{n})):",
                  "    return x", ""]
    lines += ["app = FastAPI()", "app.include_router(router)", ""]
    (app / "main.py").write_text("\n".join(lines))
    return root


def _check(project: Path, seed: int) -> str:
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    result = subprocess.run(
        [sys.executable, "-m", "fastlint", "check", "--no-cache", "--output-format", "concise",
         "--select", "FL201", str(project)],
        capture_output=True, text=True, env=env, cwd=project,
    )
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


def test_findings_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    project = _project(tmp_path)
    outputs = {seed: _check(project, seed) for seed in (1, 2, 3, 4)}
    assert "FL201" in outputs[1]
    assert len(set(outputs.values())) == 1, outputs
