"""The package's layers: each subpackage imports only the layers below it, no module imports
another in a cycle, no module is over 400 lines, and the heavy libraries (Solara, matplotlib,
Dask) load only in the layers that use them."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "abm"
# What each layer may import of abm (besides itself and abm.version).
ALLOWED = {
    "scenarios": set(),
    "model": {"scenarios"},
    "experiments": {"scenarios", "model"},
    "classroom": {"scenarios", "model"},
    "cli": {"scenarios", "model", "experiments", "classroom"},
}
FORBIDDEN_LIBRARIES = {
    "scenarios": {"matplotlib", "seaborn", "solara", "dask", "mesa"},
    "model": {"matplotlib", "seaborn", "solara", "dask", "pyarrow"},
    "experiments": {"solara", "reacton", "ipyvuetify"},
}


def layer(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imports(path: Path, typing: bool = True) -> set[str]:
    """Absolute names of the modules ``path`` imports (relative imports resolved); with
    ``typing=False``, not those under ``if TYPE_CHECKING:``, which never run."""
    tree = ast.parse(path.read_text())
    here = ["abm", *path.relative_to(PACKAGE).with_suffix("").parts]
    typing_only = set()
    if not typing:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                typing_only.update(id(n) for branch in node.body for n in ast.walk(branch))
    names = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[:-node.level] if path.name != "__init__.py" else here[:len(here)
                                                                                  - node.level]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module
            # ``from abm import classroom`` imports the module abm.classroom
            names.update(f"{target}.{alias.name}" if _is_module(f"{target}.{alias.name}")
                         else target for alias in node.names)
    return names


def _is_module(name: str) -> bool:
    parts = name.split(".")
    if parts[0] != "abm":
        return False
    path = PACKAGE.joinpath(*parts[1:])
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if len(p.relative_to(PACKAGE).parts) > 1
                 or p.stem == "cli")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_layer_imports_only_the_layers_below_it(path):
    own = layer(path)
    for name in imports(path):
        parts = name.split(".")
        if parts[0] == "abm" and len(parts) > 1 and parts[1] not in (own, "version"):
            assert parts[1] in ALLOWED[own], f"{own} imports {name}"
        assert parts[0] not in FORBIDDEN_LIBRARIES.get(own, ()), f"{own} imports {name}"


def module_name(path: Path) -> str:
    parts = ["abm", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_module_imports_another_in_a_cycle():
    """Imports that run, between modules of abm (a package's __init__ importing its own
    children is its face, not an edge)."""
    names = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in names.items():
        targets = set()
        for imported in imports(path, typing=False):
            while imported not in names and "." in imported:
                imported = imported.rsplit(".", 1)[0]
            if imported in names and imported != name and not imported.startswith(name + ".") \
                    and not name.startswith(imported + "."):
                targets.add(imported)
        graph[name] = targets

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(t == goal or (t not in seen and not seen.add(t) and reaches(t, goal, seen))
                   for t in graph[start])

    cycles = [name for name in graph if reaches(name, name, set())]
    assert not cycles, f"modules in an import cycle: {cycles}"


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_over_400_lines(path):
    assert len(path.read_text().splitlines()) <= 400


def test_importing_abm_loads_no_app_plotting_or_cluster_library():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, abm; print(' '.join(sorted(m for m in "
         "('matplotlib', 'seaborn', 'solara', 'dask', 'distributed', 'SALib') "
         "if m in sys.modules)))"], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == ""
