"""The engine stays pure: standard library + NumPy only, silent, and free of machine paths.

nn_core must run anywhere NumPy runs (a student's laptop, a CI box, a hosted demo)
and must never draw, print or reach for one developer's folders. These tests read
the source with ``ast`` rather than importing it, so they also cover code paths that
no other test executes.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

import nn_core

PACKAGE = Path(nn_core.__file__).parent
SOURCES = sorted(PACKAGE.glob("*.py"))
ALLOWED_THIRD_PARTY = {"numpy", "nn_core"}
MAY_PRINT = {"cli.py"}  # the command-line entry point
FORBIDDEN_EXAMPLES = ("streamlit", "plotly", "pandas", "scipy", "torch", "PIL", "matplotlib")
ABSOLUTE = re.compile(r"^(/[A-Za-z0-9_.~-]|[A-Za-z]:[\\/]|\\\\[A-Za-z0-9])")


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, top-level module) for every import, including dynamic import_module("x")."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:  # relative imports stay inside nn_core
                found.append((node.lineno, node.module.split(".")[0]))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            arg = node.args[0]
            if name in ("import_module", "__import__") and isinstance(arg, ast.Constant):
                found.append((node.lineno, str(arg.value).split(".")[0]))
    return found


def import_problems(source: str) -> list[str]:
    allowed = set(sys.stdlib_module_names) | ALLOWED_THIRD_PARTY | {"__future__"}
    return [
        f"line {line}: imports {module!r} (only the standard library and numpy are allowed)"
        for line, module in imported_modules(ast.parse(source))
        if module not in allowed
    ]


def print_problems(source: str) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            if (isinstance(func, ast.Name) and func.id == "print") or (
                isinstance(func, ast.Attribute) and func.attr == "print"
            ):
                problems.append(f"line {node.lineno}: calls print()")
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "stdout"
            and isinstance(node.value, ast.Name)
            and node.value.id == "sys"
        ):
            problems.append(f"line {node.lineno}: writes to sys.stdout")
    return problems


def path_problems(source: str) -> list[str]:
    """String constants that name an absolute location on some machine.

    Inside f-strings only the leading piece counts: f"{root}/mnist" is a relative join.
    """
    tree = ast.parse(source)
    inner = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            inner |= {id(v) for v in node.values[1:]}
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if "/work/" in text or "\\work\\" in text:
                problems.append(f"line {node.lineno}: mentions a /work/ path: {text[:60]!r}")
            elif id(node) not in inner and ABSOLUTE.match(text):
                problems.append(f"line {node.lineno}: hard-coded absolute path {text[:60]!r}")
    return problems


def test_the_package_has_its_modules():
    names = {p.name for p in SOURCES}
    assert {"__init__.py", "__main__.py", "model.py", "layers.py", "train.py", "cli.py"} <= names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_imports_only_stdlib_numpy_and_itself(path):
    assert import_problems(path.read_text(encoding="utf-8")) == [], path.name


@pytest.mark.parametrize(
    "path", [p for p in SOURCES if p.name not in MAY_PRINT], ids=lambda p: p.name
)
def test_never_prints(path):
    assert print_problems(path.read_text(encoding="utf-8")) == [], path.name


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_hard_coded_absolute_paths(path):
    assert path_problems(path.read_text(encoding="utf-8")) == [], path.name


def test_the_cli_prints_its_result():
    """The exemption is needed, and only for the one file: it really prints."""
    assert print_problems((PACKAGE / "cli.py").read_text(encoding="utf-8"))


def test_every_public_name_resolves():
    for name in nn_core.__all__:
        assert getattr(nn_core, name) is not None, name
    assert sorted(dir(nn_core)) == sorted(nn_core.__all__)
    with pytest.raises(AttributeError):
        _ = nn_core.no_such_name


# ---- the checkers themselves catch what they should (so the tests above can fail)


@pytest.mark.parametrize("module", FORBIDDEN_EXAMPLES)
def test_import_checker_flags_third_party_packages(module):
    for source in (
        f"import {module}",
        f"import {module}.sub as x",
        f"from {module} import thing",
        f"from {module}.sub import thing",
        f"def f():\n    import {module}\n",
        f"import importlib\nimportlib.import_module('{module}')",
    ):
        assert import_problems(source), source


def test_import_checker_allows_stdlib_numpy_and_nn_core():
    source = (
        "from __future__ import annotations\nimport os, json, zipfile\nimport numpy as np\n"
        "from numpy.lib import format\nfrom nn_core.model import MLP\nfrom . import layers\n"
        "from .layers import Dense\nimport_module(f'nn_core.{name}')\n"
    )
    assert import_problems(source) == []


def test_print_checker():
    assert print_problems("print('hi')")
    assert print_problems("def f():\n    print('x', file=sys.stderr)\n")
    assert print_problems("import builtins\nbuiltins.print(1)")
    assert print_problems("import sys\nsys.stdout.write('x')")
    assert print_problems("def f(x):\n    '''print(x) in a docstring is fine'''\n") == []
    assert print_problems("import sys\nsys.stderr.write('progress')") == []


@pytest.mark.parametrize(
    "literal",
    [
        '"/home/alice/mnist"',
        '"/work/shared/mnist"',
        '"../../work/shared"',
        '"/tmp/model.npz"',
        r'"C:\\Users\\bob\\data"',
        '"D:/data/mnist"',
        r'"\\\\server\\share"',
        'f"/usr/share/{name}"',
        '"""see /work/shared for the data"""',
    ],
)
def test_path_checker_flags_absolute_paths(literal):
    assert path_problems(f"x = {literal}"), literal


@pytest.mark.parametrize(
    "literal",
    [
        '"/"',
        '"/ inside a data folder"',
        'f"{root}/mnist/{name}"',
        '"https://example.org/mnist/"',
        '"assets/default_model.npz"',
        '"~/.cache"',
        '"a/b"',
    ],
)
def test_path_checker_allows_relative_paths_and_urls(literal):
    assert path_problems(f"x = {literal}") == [], literal
