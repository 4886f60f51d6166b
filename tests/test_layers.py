"""The layering, as tests: one data layer owns every statement, and no module imports in a circle.

The import-linter contracts in ``pyproject.toml`` (run by ``make lint``, which ``make test`` runs
first) say which package may import which; these tests check what a contract cannot: that no
SQL is written outside ``pipelines/storage/``, and that there is no import cycle anywhere, across
packages included.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parent.parent
STORAGE = REPO / "pipelines" / "storage"
CHECKED = [p for folder in ("crawler", "pipelines", "review", "bench")
           for p in sorted((REPO / folder).rglob("*.py")) if STORAGE not in p.parents]
CHECKED.append(REPO / "scheduler.py")

SQL = re.compile(
    r"^\s*(select\s.+\sfrom\s|insert\s+(or\s+\w+\s+)?into\s|update\s+\w+\s+set\s|delete\s+from\s"
    r"|create\s+(table|index|trigger|temp|virtual)\b|drop\s+(table|index|trigger)\b|pragma\s+\w+"
    r"|begin(\s+immediate)?\s*;?\s*$|commit\s*;?\s*$)", re.IGNORECASE | re.DOTALL)
DRIVERS = ("sqlite3", "sqlite_utils", "sqlalchemy", "apscheduler.jobstores.sqlalchemy")
DB_CALLS = ("execute", "executemany", "executescript", "connect")


def offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(REPO)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value):
            found.append(f"{where}: SQL text {node.value[:50]!r}")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"{where}: imports {n}" for n in names if n.startswith(DRIVERS)]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in DB_CALLS and not _is_safe_connect(node)):
            found.append(f"{where}: calls .{node.func.attr}()")
    return found


def _is_safe_connect(node: ast.Call) -> bool:
    """``signals.connect(...)`` (Scrapy, Flask) is not a database connection."""
    func = node.func
    return (isinstance(func, ast.Attribute) and func.attr == "connect"
            and isinstance(func.value, ast.Attribute) and func.value.attr == "signals")


def test_the_sql_pattern_catches_sql_and_leaves_prose_alone() -> None:
    assert SQL.match("select id from articles where x = ?")
    assert SQL.match("  INSERT OR IGNORE INTO url_aliases (alias) values (?)")
    assert SQL.match("PRAGMA busy_timeout = 30000") and SQL.match("BEGIN IMMEDIATE")
    assert not SQL.match("Select the articles you want to mark")
    assert not SQL.match("update the lexicon, then run pantau rescore")


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: str(p.relative_to(REPO)))
def test_no_sql_or_database_driver_outside_the_storage_package(path: Path) -> None:
    assert offences(path) == []


def test_the_check_finds_what_it_is_for() -> None:
    bad = REPO / "bench" / "_layers_probe.py"
    bad.write_text("import sqlite3\nconn = sqlite3.connect('x')\nconn.execute('delete from articles')\n")
    try:
        assert len(offences(bad)) == 4
    finally:
        bad.unlink()


def module_cycles() -> list[list[str]]:
    """Strongly connected groups of our modules (Tarjan), each a cycle of imports."""
    graph = grimp.build_graph("crawler", "pipelines", "review", exclude_type_checking_imports=True)
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & graph.modules) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in edges[node]:
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return groups


def test_no_import_cycles() -> None:
    assert module_cycles() == []
