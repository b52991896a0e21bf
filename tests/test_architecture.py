"""The layering of the package: front ends depend on the core, never the other way round."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "ecomops"
FRONT_ENDS = ("ecomops.cli", "ecomops.web")
NOT_PACKAGES = {"cli", "web", "locale", "__pycache__"}  # front ends, and the gettext catalogs (data)
CORE = [p for p in sorted(SRC.iterdir()) if p.is_dir() and p.name not in NOT_PACKAGES]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", CORE, ids=lambda p: p.name)
def test_core_package_never_imports_a_front_end(package: Path) -> None:
    offenders = [
        f"{py.relative_to(SRC)} imports {name}"
        for py in package.rglob("*.py")
        for name in _imports(py)
        if name.startswith(FRONT_ENDS)
    ]
    assert not offenders, offenders


@pytest.mark.parametrize("package", CORE, ids=lambda p: p.name)
def test_every_capability_package_says_what_lives_there(package: Path) -> None:
    init = package / "__init__.py"
    if not any(package.glob("*.py")):
        pytest.skip(f"{package.name} is still empty")
    assert init.is_file(), f"{package.name} has no __init__.py"
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert doc, f"{package.name}/__init__.py has no docstring"
    assert len(doc) > 40, f"{package.name}/__init__.py needs a docstring saying what lives there"
