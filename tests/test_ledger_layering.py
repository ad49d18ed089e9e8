"""Layering: `ledger/` imports neither `domain/` nor `projections/` nor `web/`, except its `cli*.py` entry modules."""

from __future__ import annotations

import ast
from pathlib import Path

LEDGER = Path(__file__).resolve().parents[1] / "ledger"
UPPER = ("domain", "projections", "web")


def imported_modules(source: str) -> list[tuple[int, str]]:
    """Every absolute module an `import` or `from … import` names, anywhere in the source (functions too)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def upper_layer_imports(root: Path) -> list[str]:
    """`file:line module` for each import of an upper layer by a module of `root` that is not a cli entry."""
    bad = []
    for path in sorted(root.rglob("*.py")):
        if path.parent == root and path.name.startswith("cli"):
            continue
        for line, module in imported_modules(path.read_text(encoding="utf-8")):
            if module.split(".")[0] in UPPER:
                bad.append(f"{path.relative_to(root.parent)}:{line} {module}")
    return bad


def test_ledger_modules_do_not_import_domain_projections_or_web() -> None:
    assert LEDGER.is_dir() and any(LEDGER.rglob("bundle/*.py"))
    assert upper_layer_imports(LEDGER) == []


def test_the_walk_finds_imports_at_top_level_and_inside_functions(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    (root / "sub").mkdir(parents=True)
    (root / "ok.py").write_text("import json\nfrom ledger import merkle\nfrom . import sibling\n")
    (root / "sub" / "mixed.py").write_text("from projections.timetravel import status\n"
                                           "def f():\n    import web.app\n    from domain import errors\n")
    (root / "cli_extra.py").write_text("from domain.actor import Actor\n")  # entry modules may
    (root / "sub" / "cli_nested.py").write_text("import domain\n")  # but only at the top of ledger/
    assert upper_layer_imports(root) == ["ledger/sub/cli_nested.py:1 domain",
                                         "ledger/sub/mixed.py:1 projections.timetravel",
                                         "ledger/sub/mixed.py:3 web.app", "ledger/sub/mixed.py:4 domain"]
