"""One direction: no import cycle among attest's modules, counting imports deferred into functions (which the
layer contracts of `.importlinter` do not see), and the kinds named only where a kind's own code lives."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import attest

ROOT = Path(attest.__file__).parent


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Each module → the attest modules it imports anywhere in its file (a package's own submodules aside)."""
    modules = {_module(p): p for p in ROOT.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([node.module] if node.module else [])])
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and not (path.name == "__init__.py" and target.startswith(name + ".")):
                    graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles_deferred_imports_included() -> None:
    graph = _imports()
    assert "attest.cli_common" in graph["attest.cli_assess"]  # deferred imports are seen
    assert _cycles(graph) == []


def test_a_planted_cycle_is_found() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# Where a kind's name may stand: its registry row and recipe, the schemas, its own extract and verify modules.
_MAY_NAME_KINDS = re.compile(r"^(kinds\.py|schemas/|pipeline/recipes\.py|extract/(invoice|contract|licence|shop)|"
                             r"verify/(invoice|einvoice|contract|licence|seals|roles)|data/)")


def test_kinds_are_named_only_where_their_own_code_lives() -> None:
    named = sorted(str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")
                   if not _MAY_NAME_KINDS.match(str(p.relative_to(ROOT)))
                   and re.search(r"[\"'](shop_photo|business_license)[\"']", p.read_text(encoding="utf-8")))
    assert len(named) <= 2, named
