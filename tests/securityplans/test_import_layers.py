"""The modules of vigil.plans.security import each other without a cycle."""

import ast
import graphlib
from pathlib import Path

import vigil.plans.security

PACKAGE = "vigil.plans.security"
ROOT = Path(vigil.plans.security.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((PACKAGE, *parts))


def imported_modules(path: Path, modules: set[str]) -> set[str]:
    """Return the modules of ``modules`` that ``path`` imports, in functions too."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found & modules


def test_no_import_cycle_in_security_plans() -> None:
    paths = [path for path in ROOT.rglob("*.py") if "migrations" not in path.parts]
    modules = {module_name(path) for path in paths}
    graph = {
        module_name(path): imported_modules(path, modules - {PACKAGE}) for path in paths
    }
    graphlib.TopologicalSorter(graph).prepare()
