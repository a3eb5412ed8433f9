"""`fastlint layers`: the layers of each project, the imports between them, and the violations,
as text, JSON, or a Mermaid / Graphviz diagram with the violating edges marked."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

from fastlint.diagnostics import Diagnostic
from fastlint.engine import RunOptions, display_path, joined_project, run_check
from fastlint.model.layers import Layering, layering

LAYER_RULES = ("FL303", "FL304")
TEXT_MODULES_SHOWN = 12


@dataclass(frozen=True)
class LayerEdge:
    """Imports from one layer into another: how many import statements, how many violate."""

    importer: str
    imported: str
    count: int
    violations: int


@dataclass(frozen=True)
class LayerReport:
    root: str
    source: str
    members: tuple[tuple[str, tuple[str, ...]], ...]  # layer → modules, top layer first
    outside: tuple[str, ...]
    evidence: tuple[tuple[str, str], ...]  # module → why it is in its layer
    rejected: tuple[tuple[str, str], ...]  # module → why its layer name was not taken
    edges: tuple[LayerEdge, ...]
    violations: tuple[Diagnostic, ...]


def build_reports(paths: Sequence[Path], config_file: Path | None = None, *,
                  no_cache: bool = False, cache_dir: Path | None = None) -> list[LayerReport]:
    """Analyse the paths (raises ConfigError on bad configuration) and describe their layers."""
    result = run_check(paths or [Path(".")], RunOptions(select=LAYER_RULES, config_file=config_file,
                                                        no_cache=no_cache, cache_dir=cache_dir))
    reports = []
    for run in result.projects:
        layers = layering(joined_project(run), run.config.options.get("layers"))
        diagnostics = [d for d in result.diagnostics if d.path in run.reported]
        reports.append(_report(display_path(run.root), layers, diagnostics))
    return reports


def _report(root: str, layers: Layering, diagnostics: list[Diagnostic]) -> LayerReport:
    reported = {(d.path, d.row) for d in diagnostics if d.code == "FL303"}
    counts: Counter[tuple[str, str]] = Counter()
    violations: Counter[tuple[str, str]] = Counter()
    for layer_import in layers.imports():
        if layer_import.importer_layer == layer_import.imported_layer:
            continue
        edge = (layer_import.importer_layer, layer_import.imported_layer)
        counts[edge] += 1
        if layer_import.breach is not None and \
                (layer_import.facts.path, layer_import.span.row) in reported:
            violations[edge] += 1
    rank = {name: index for index, name in enumerate(layers.names)}
    edges = tuple(
        LayerEdge(a, b, count, violations[(a, b)])
        for (a, b), count in sorted(counts.items(), key=lambda item: (rank[item[0][0]], rank[item[0][1]]))
    )
    members = layers.members()
    return LayerReport(
        root=root,
        source=layers.source,
        members=tuple((name, tuple(members[name])) for name in layers.names),
        outside=tuple(layers.outside()) if layers.active else (),
        evidence=tuple((module, layers.evidence(module)) for module in sorted(layers.module_layer)),
        rejected=tuple(sorted(layers.rejected().items())),
        edges=edges,
        violations=tuple(diagnostics),
    )


# ---------------------------------------------------------------------- renderers
def render_text(reports: list[LayerReport], out: TextIO) -> None:
    for report in reports:
        out.write(f"{report.root}: layers {report.source}\n")
        if not report.members:
            out.write("  (no layers: FL303 and FL304 have nothing to check)\n\n")
            continue
        width = max(len(name) for name, _ in report.members)
        evidence = dict(report.evidence)
        for name, modules in report.members:
            out.write(f"  {name:<{width}}  {_modules(modules)}\n")
            reasons = Counter(evidence[module] for module in modules)
            why = "; ".join(f"{reason} ({count})" for reason, count in reasons.most_common())
            out.write(f"  {'':<{width}}  because: {why}\n")
        out.write(f"  outside every layer (composition roots): {_modules(report.outside)}\n")
        if report.rejected:
            shown = ", ".join(f"{module} ({reason})" for module, reason in report.rejected[:TEXT_MODULES_SHOWN])
            more = f", … (+{len(report.rejected) - TEXT_MODULES_SHOWN} more)" \
                if len(report.rejected) > TEXT_MODULES_SHOWN else ""
            out.write(f"  named like a layer but not in one: {shown}{more}\n")
        out.write("\nImports between layers (import statements):\n")
        for edge in report.edges:
            mark = f"  ✗ {edge.violations} violating" if edge.violations else ""
            out.write(f"  {edge.importer} -> {edge.imported}: {edge.count}{mark}\n")
        if not report.edges:
            out.write("  (none)\n")
        out.write(f"\nViolations: {len(report.violations)}\n")
        for d in report.violations:
            out.write(f"  {d.path}:{d.row}:{d.col + 1}: {d.code} {d.message}\n")
        out.write("\n")


def _modules(modules: Sequence[str]) -> str:
    shown = ", ".join(modules[:TEXT_MODULES_SHOWN])
    more = f", … (+{len(modules) - TEXT_MODULES_SHOWN} more; --output-format json lists all)" \
        if len(modules) > TEXT_MODULES_SHOWN else ""
    return f"{len(modules)} module{'s' if len(modules) != 1 else ''}: {shown}{more}" if modules else "none"


def render_json(reports: list[LayerReport], out: TextIO) -> None:
    data = [
        {
            "root": r.root,
            "source": r.source,
            "layers": [{"name": name, "modules": list(modules)} for name, modules in r.members],
            "outside": list(r.outside),
            "evidence": dict(r.evidence),
            "rejected": dict(r.rejected),
            "edges": [asdict(edge) for edge in r.edges],
            "violations": [
                {"code": d.code, "message": d.message, "filename": d.path,
                 "location": {"row": d.row, "column": d.col + 1}}
                for d in r.violations
            ],
        }
        for r in reports
    ]
    out.write(json.dumps(data, indent=2) + "\n")


def render_mermaid(reports: list[LayerReport], out: TextIO) -> None:
    for report in reports:
        out.write(f"%% {report.root}: layers {report.source}\n")
        out.write("flowchart TD\n")
        for name, modules in report.members:
            out.write(f'    {name}["{name}<br/>{len(modules)} modules"]\n')
        violating = []
        for index, edge in enumerate(report.edges):
            label = f"{edge.count}, {edge.violations} violating" if edge.violations else str(edge.count)
            out.write(f'    {edge.importer} -->|"{label}"| {edge.imported}\n')
            if edge.violations:
                violating.append(str(index))
        if violating:
            out.write(f"    linkStyle {','.join(violating)} stroke:#d00,stroke-width:3px\n")


def render_dot(reports: list[LayerReport], out: TextIO) -> None:
    for report in reports:
        out.write(f"// {report.root}: layers {report.source}\n")
        out.write("digraph layers {\n    rankdir=TB;\n    node [shape=box];\n")
        for name, modules in report.members:
            out.write(f'    "{name}" [label="{name}\\n{len(modules)} modules"];\n')
        for edge in report.edges:
            if edge.violations:
                out.write(f'    "{edge.importer}" -> "{edge.imported}" '
                          f'[label="{edge.count} ({edge.violations} violating)", color="red", '
                          'fontcolor="red", penwidth=2];\n')
            else:
                out.write(f'    "{edge.importer}" -> "{edge.imported}" [label="{edge.count}"];\n')
        out.write("}\n")


RENDERERS = {"text": render_text, "json": render_json, "mermaid": render_mermaid, "dot": render_dot}
