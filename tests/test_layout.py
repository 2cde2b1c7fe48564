"""The layout of the addons, as Odoo's own addons keep theirs (``account/tools``, ``payment/const.py``).

Read from the sources (nothing runs), so a file put in the wrong folder fails
here rather than in a reviewer's memory:

- ``models/`` holds models only, ``wizards/`` transient wizards only (the same
  folder name in the three addons), ``report/`` the SQL-view and report models;
- ``tools/`` holds the pure rules and SQL fragments and defines no model;
- ``const.py`` names the groups and states;
- another addon reaches ``ar_credit_control`` through its ``tools`` and
  ``const`` (or the ORM), never by importing one of its model modules.
"""

import ast
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
ADDONS = ("ar_credit_control", "ar_dunning", "ar_insurance")
MODEL_BASES = {"Model", "AbstractModel", "TransientModel"}


def _model_classes(tree):
    """(class name, base name) of every class deriving from models.Model/AbstractModel/TransientModel."""
    found = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
                if name in MODEL_BASES:
                    found.append((node.name, name))
    return found


def _python_files(addon, folder):
    return [
        p for p in sorted((REPO_ROOT / "addons" / addon / folder).glob("*.py")) if p.name != "__init__.py"
    ]


@pytest.mark.parametrize("addon", ADDONS)
def test_folders(addon):
    """Every addon has the same folders: const.py and tools/, and no second name for wizards."""
    root = REPO_ROOT / "addons" / addon
    assert (root / "const.py").is_file()
    assert (root / "tools" / "__init__.py").is_file()
    assert not (root / "wizard").exists(), "wizards live in wizards/"


@pytest.mark.parametrize("addon", ADDONS)
def test_models_folder_holds_models_only(addon):
    """Each file of models/ defines models, and no module-level function (a rule belongs in tools/)."""
    problems = []
    for path in _python_files(addon, "models"):
        tree = ast.parse(path.read_text())
        if not _model_classes(tree):
            problems.append(f"{path.name}: defines no model")
        problems += [f"{path.name}: function {n.name}" for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert not problems, problems


@pytest.mark.parametrize("addon", ADDONS)
def test_wizards_are_transient(addon):
    """wizards/ holds transient wizards only; reports and dashboards live in report/."""
    problems = []
    for path in _python_files(addon, "wizards"):
        classes = _model_classes(ast.parse(path.read_text()))
        if not classes or any(base != "TransientModel" for _name, base in classes):
            problems.append(path.name)
    assert not problems, problems


@pytest.mark.parametrize("addon", ADDONS)
def test_tools_define_no_model(addon):
    """tools/ is pure: rules and SQL fragments, no model, no ORM import."""
    problems = []
    for path in _python_files(addon, "tools"):
        tree = ast.parse(path.read_text())
        if _model_classes(tree):
            problems.append(f"{path.name}: defines a model")
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == "odoo"
                and any(alias.name in ("models", "fields", "api") for alias in node.names)
            ):
                problems.append(f"{path.name}: imports the ORM")
    assert not problems, problems


def test_no_addon_imports_another_addons_models():
    """Dependants use ar_credit_control's tools, const and the ORM, not its model modules."""
    problems = []
    for addon in ADDONS:
        for path in sorted((REPO_ROOT / "addons" / addon).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module:
                    parts = node.module.split(".")
                    if parts[:2] == ["odoo", "addons"] and len(parts) > 3 and parts[2] in ADDONS:
                        if parts[2] != addon and parts[3] not in ("tools", "const", "tests"):
                            problems.append(f"{path.relative_to(REPO_ROOT)}: {node.module}")
    assert not problems, problems
