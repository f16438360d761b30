"""The house rules a newcomer relies on, checked: where code lives and which way it imports.

The project is layered: the engine (``nn_core``) knows nothing of the server, the server
(``server``) nothing of the pages, the shared UI (``ui/*.py``, ``ui/figures/``) nothing of
any one feature, and a feature (``ui/<feature>/``) nothing of the page scripts. Circles
are what make a codebase hard to change: a module in a circle cannot be read, tested or
moved alone. So every import between the project's own modules is an edge here (lazy
imports inside functions too: they are still dependencies, only later), and the graph
must be acyclic and point downwards. A ``python -m`` entry block (``if __name__ ==
"__main__":``) is not an edge: nothing imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("nn_core", "server", "ui", "app_pages")
FEATURES = ("learn", "data", "train", "inside", "evaluate", "draw", "classroom", "lesson")
MAX_PAGE_LINES = 60
MAX_FILE_LINES = 350


def _modules() -> dict[str, Path]:
    found = {"app": ROOT / "app.py"}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _is_main_block(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return (
        isinstance(node, ast.If)
        and isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
    )


def _imported(node: ast.AST, here: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            package = here.split(".")[: -node.level]
            base = ".".join([*package, base] if base else package)
        return [base] + [f"{base}.{alias.name}" for alias in node.names]
    return []


def _edges(name: str, path: Path) -> set[str]:
    """The project's modules that ``name`` imports, anywhere but in a ``__main__`` block."""
    targets: set[str] = set()
    stack = [ast.parse(path.read_text(encoding="utf-8"))]
    while stack:
        node = stack.pop()
        if _is_main_block(node):
            continue
        for wanted in _imported(node, name):
            while wanted and wanted not in MODULES:
                wanted = wanted.rpartition(".")[0]
            if wanted and wanted != name:
                targets.add(wanted)
        stack.extend(ast.iter_child_nodes(node))
    return targets


GRAPH = {name: _edges(name, path) for name, path in MODULES.items()}


def _layer(name: str) -> tuple[int, str]:
    """(rank, group): a module may import only modules of a lower rank, or its own group."""
    parts = name.split(".")
    if parts[0] == "nn_core":
        return 0, "nn_core"
    if parts[0] == "server":
        return 1, "server"
    if parts[0] == "ui" and len(parts) > 2 and parts[1] in FEATURES:
        return 3, f"ui.{parts[1]}"
    if parts[0] == "ui":
        return 2, "ui"
    return 4, parts[0]  # app, app_pages


def test_the_layout_knows_its_modules():
    assert {"nn_core.model", "server", "ui.state", "app"} <= set(MODULES)
    assert GRAPH["app"], "app.py imports nothing of ours? the checker is blind"


def test_no_import_circles():
    """Depth-first search; a grey module met again closes a circle."""
    colour: dict[str, str] = {}
    circles: list[list[str]] = []

    def visit(name: str, path: list[str]) -> None:
        colour[name] = "grey"
        for target in sorted(GRAPH[name]):
            if colour.get(target) == "grey":
                circles.append([*path[path.index(target) :], target])
            elif target not in colour:
                visit(target, [*path, target])
        colour[name] = "black"

    for name in sorted(GRAPH):
        if name not in colour:
            visit(name, [name])
    assert not circles, "import circles:\n" + "\n".join(" -> ".join(c) for c in circles)


def test_imports_point_down():
    """nn_core <- server <- ui shared <- ui features <- pages. A feature may use another
    (Train's panel offers the class board's Share button), as long as no circle forms."""
    wrong = []
    for name, targets in GRAPH.items():
        rank, group = _layer(name)
        for target in targets:
            t_rank, t_group = _layer(target)
            if t_group != group and t_rank >= rank and not rank == t_rank == 3:
                wrong.append(f"{name} -> {target}")
    assert not wrong, "imports against the layers:\n" + "\n".join(sorted(wrong))


def test_streamlit_internals_are_reached_in_one_place():
    """Private Streamlit attributes change between releases; one module holds them all, so
    an upgrade breaks one file (and its test), not the server here and there."""
    marks = ("._session_mgr", "streamlit.runtime", "from streamlit import runtime")
    reaching = sorted(
        name
        for name, path in MODULES.items()
        if any(mark in path.read_text(encoding="utf-8") for mark in marks)
    )
    assert reaching == ["server.streamlit_internals"], reaching


@pytest.mark.parametrize("page", sorted((ROOT / "app_pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_are_thin(page):
    lines = page.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_PAGE_LINES, f"{page.name}: {lines} lines; move sections into ui/"


def test_no_file_is_long():
    long = []
    for folder in ("nn_core", "server", "ui", "app_pages", "bench", "tools", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            lines = path.read_text(encoding="utf-8").count("\n")
            if lines > MAX_FILE_LINES:
                long.append(f"{path.relative_to(ROOT)}: {lines}")
    assert not long, f"files over {MAX_FILE_LINES} lines:\n" + "\n".join(sorted(long))


def test_figures_live_with_their_feature():
    flat = sorted(p.name for p in (ROOT / "ui").glob("charts*.py"))
    assert not flat, f"charts modules flat in ui/: {flat}; move them into ui/<feature>/"
    for feature in FEATURES:
        assert (ROOT / "ui" / feature / "__init__.py").exists(), f"ui/{feature}/ is missing"
