"""The terms Odoo's exporter puts in an addon's translation template, read from the files alone.

``odoo --i18n-export`` (odoo/tools/translate.py, ``TranslationModuleReader``)
exports two kinds of terms:

- code terms: the first argument of ``_()`` / ``_lt()`` in the module's Python
  files (``self.env._()`` included), found by Babel's Python extractor with
  Odoo's keywords, and the QWeb / JavaScript terms of ``static/src``;
- model terms: the translatable fields of every record that has an XML id of
  the module, read from the database: the models' descriptions, the fields'
  labels, help texts and selection labels, the SQL constraints' messages, the
  views' arch (``xml_translate``), the actions, menus, groups, templates...

Code terms are extracted here exactly as Odoo does (Babel with the same
keywords, Odoo's own QWeb extractor).  Model terms come from the database in
Odoo, so they are rebuilt from the source: ``ast`` on the models (labels as
Odoo's ``Field._setup_attrs`` derives them, help, selection labels,
``_description``, ``_sql_constraints``) and the data files of the manifest,
whose translatable fields (``translate=`` in the models of Odoo or of the suite)
go through Odoo's own ``xml_translate`` / ``html_translate``.  The result is a
subset of what Odoo exports: what only exists at run time (the labels of a
dynamic selection, the fields that an auto-installed addon outside the
manifest's dependencies adds to a mixin) is left out.  On the catalogues of
2026-12 it finds every term of the .pot files but one (an SMS field of
``mail.thread``), and none that the .pot files lack.
"""

import ast
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages import extract
from lxml import etree

import odoo
from odoo.tools.mail import html_sanitize
from odoo.tools.translate import babel_extract_qweb, html_translate, xml_translate

ODOO_ADDONS = Path(odoo.__file__).resolve().parent / "addons"

# Odoo's keywords for Python code (TranslationModuleReader._export_translatable_resources)
PYTHON_KEYWORDS = {"_": None, "_lt": None}
# the fields every model gets (odoo/models.py BaseModel._add_magic_fields), with their labels
MAGIC_FIELDS = {"id": "ID", "display_name": "Display Name"}
LOG_ACCESS_FIELDS = {
    "create_uid": "Created by",
    "create_date": "Created on",
    "write_uid": "Last Updated by",
    "write_date": "Last Updated on",
}
# records whose arch is a view (odoo/addons/base/models/ir_ui_view.py: arch_db is xml_translate)
VIEW_ARCH_FIELDS = {"arch", "arch_base", "arch_db"}
EMAIL_OUTGOING = {
    "sanitize_tags": False,
    "sanitize_attributes": False,
    "sanitize_conditional_comments": False,
    "output_method": "xml",
}


@dataclass
class ModelClass:
    """What a Python class body says about one model."""

    addon: str
    path: Path
    name: str  # the model it defines or extends
    parents: list  # _inherit models other than ``name``
    defines: bool  # the class sets _name to a model of its own
    description: str | None
    translate: bool  # False when the class sets _translate = False
    log_access: bool | None  # _log_access, or _auto (False for an AbstractModel), None when not set
    fields: dict = field(default_factory=dict)  # field name -> ast.Call
    constraints: list = field(default_factory=list)  # _sql_constraints messages


def keep(term):
    """Odoo's filter (TranslationReader._push_translation): no empty or one-letter terms."""
    return len(re.sub(r"\W+", "", (term or "").strip())) > 1


# ----------------------------------------------------------------------
# Python: constants and classes
# ----------------------------------------------------------------------
def addon_of(path):
    """The addon a file belongs to (the nearest directory with a manifest)."""
    for parent in path.parents:
        if (parent / "__manifest__.py").is_file():
            return parent.name
    return None


def addon_dir(addon, repo_addons):
    """Directory of an addon of the suite or of Odoo."""
    for root in (repo_addons, ODOO_ADDONS):
        if (root / addon / "__manifest__.py").is_file():
            return root / addon
    return None


def manifest(directory):
    return ast.literal_eval((directory / "__manifest__.py").read_text(encoding="utf-8"))


@functools.cache
def parse(path):
    return ast.parse(Path(path).read_text(encoding="utf-8"), filename=str(path))


def _module_path(node, path, repo_addons):
    """The file an ``from X import Y`` refers to (relative or odoo.addons.*), or None."""
    if node.level:
        base = Path(path).parent
        for _ in range(node.level - 1):
            base = base.parent
        parts = node.module.split(".") if node.module else []
    elif node.module and node.module.startswith("odoo.addons."):
        parts = node.module.split(".")[2:]
        directory = addon_dir(parts[0], repo_addons)
        if directory is None:
            return None
        base = directory.parent
    else:
        return None
    target = base.joinpath(*parts)
    for candidate in (target.with_suffix(".py"), target / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def constant(name, path, repo_addons, depth=0):
    """The literal value of a module-level name of ``path`` (imports followed), or None."""
    if depth > 5:
        return None
    for node in parse(path).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            try:
                return ast.literal_eval(node.value)
            except ValueError:
                return None
        if isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == name for a in node.names):
            original = next(a.name for a in node.names if (a.asname or a.name) == name)
            source = _module_path(node, path, repo_addons)
            if source is not None:
                return constant(original, source, repo_addons, depth + 1)
    return None


def literal(node, path, repo_addons):
    """Value of an argument: a literal (implicit concatenation included) or a named constant."""
    if node is None:
        return None
    if isinstance(node, ast.Name):
        return constant(node.id, path, repo_addons)
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def _class_value(body, name):
    for node in body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return node.value
    return None


def _is_field(item):
    return (
        isinstance(item, ast.Assign)
        and len(item.targets) == 1
        and isinstance(item.targets[0], ast.Name)
        and isinstance(item.value, ast.Call)
        and isinstance(item.value.func, ast.Attribute)
        and isinstance(item.value.func.value, ast.Name)
        and item.value.func.value.id == "fields"
    )


def model_classes(path, repo_addons):
    """The Odoo model classes of one Python file."""
    result = []
    for node in ast.walk(parse(path)):
        if not isinstance(node, ast.ClassDef):
            continue
        name = literal(_class_value(node.body, "_name"), path, repo_addons)
        inherit = literal(_class_value(node.body, "_inherit"), path, repo_addons) or []
        inherit = [inherit] if isinstance(inherit, str) else list(inherit)
        if not isinstance(name, str) and not inherit:
            continue
        model = name if isinstance(name, str) else inherit[0]
        description = literal(_class_value(node.body, "_description"), path, repo_addons)
        constraints = literal(_class_value(node.body, "_sql_constraints"), path, repo_addons) or []
        log_access = literal(_class_value(node.body, "_log_access"), path, repo_addons)
        if log_access is None:
            log_access = literal(_class_value(node.body, "_auto"), path, repo_addons)
        if log_access is None and any(ast.unparse(base) == "models.AbstractModel" for base in node.bases):
            log_access = False
        cls = ModelClass(
            addon=addon_of(Path(path)),
            path=Path(path),
            name=model,
            parents=[parent for parent in inherit if parent != model],
            defines=isinstance(name, str) and name not in inherit,
            description=description if isinstance(description, str) else None,
            translate=literal(_class_value(node.body, "_translate"), path, repo_addons) is not False,
            constraints=[c[2] for c in constraints if isinstance(c, tuple) and len(c) == 3],
            log_access=log_access if isinstance(log_access, bool) else None,
        )
        cls.fields = {item.targets[0].id: item.value for item in node.body if _is_field(item)}
        result.append(cls)
    return result


def load_order(addons, repo_addons):
    """The addons and their dependencies, each after the addons it depends on (the loading order)."""
    order, seen = [], set()

    def visit(addon):
        if addon in seen:
            return
        seen.add(addon)
        directory = addon_dir(addon, repo_addons)
        if directory is None:
            return
        for dependency in manifest(directory).get("depends", [] if addon == "base" else ["base"]):
            visit(dependency)
        order.append(addon)

    for addon in addons:
        visit(addon)
    return order


# positional parameters of the field classes (odoo/fields.py)
POSITIONAL = {
    "Many2one": ("comodel_name", "string"),
    "One2many": ("comodel_name", "inverse_name", "string"),
    "Many2many": ("comodel_name", "relation", "column1", "column2", "string"),
    "Selection": ("selection", "string"),
    "Reference": ("selection", "string"),
}


class ModelIndex:
    """Every model class of an addon and of the addons it depends on, by model name, in loading order."""

    def __init__(self, addon, repo_addons):
        self.repo_addons = repo_addons
        self.by_model = {}
        for name in load_order([addon], repo_addons):
            directory = addon_dir(name, repo_addons)
            for path in sorted(directory.rglob("*.py")):
                if "tests" in path.relative_to(directory).parts:
                    continue
                for cls in model_classes(path, repo_addons):
                    self.by_model.setdefault(cls.name, []).append(cls)

    def classes(self, model, seen=None):
        """The classes of ``model`` and of the models it inherits (_inherit), parents first."""
        seen = set() if seen is None else seen
        if model in seen:
            return []
        seen.add(model)
        result = []
        for cls in self.by_model.get(model, []):
            for parent in cls.parents:
                result.extend(self.classes(parent, seen))
            result.append(cls)
        return result

    def attrs(self, model, name):
        """The attributes of field ``name`` of ``model`` as Odoo merges its definitions, or None.

        Values are (class, ast node) pairs; ``selection_add`` collects every addition.
        """
        attrs = None
        for cls in self.classes(model):
            call = cls.fields.get(name)
            if call is None:
                continue
            if attrs is None or attrs["type"] != call.func.attr:
                attrs = {"type": call.func.attr, "selection_add": []}
            for position, value in zip(POSITIONAL.get(call.func.attr, ("string",)), call.args, strict=False):
                attrs[position] = (cls, value)
            for keyword in call.keywords:
                if keyword.arg == "selection_add":
                    attrs["selection_add"].append((cls, keyword.value))
                elif keyword.arg:
                    attrs[keyword.arg] = (cls, keyword.value)
        return attrs

    def value(self, attrs, key):
        if key not in attrs:
            return None
        cls, node = attrs[key]
        return literal(node, cls.path, self.repo_addons)

    def related_value(self, model, attrs, key, depth=0):
        """Attribute ``key`` of a field, taken from the field it follows when it is related and lacks it."""
        if key in attrs or "related" not in attrs:
            return attrs, self.value(attrs, key)
        path = self.value(attrs, "related")
        if not isinstance(path, str) or depth > 5:
            return None, None
        *links, last = path.split(".")
        for link in links:
            link_attrs = self.attrs(model, link)
            model = link_attrs and self.value(link_attrs, "comodel_name")
            if not isinstance(model, str):
                return None, None
        target = self.attrs(model, last)
        if target is None:
            return None, None
        return self.related_value(model, target, key, depth + 1)

    def field_terms(self, model, name, addon):
        """Label, help and selection labels Odoo reflects for field ``name`` of ``model`` in ``addon``.

        A related field takes the label and help of the field it follows
        (odoo/fields.py ``_related_string``, ``_related_help``); a field without
        label gets one derived from its name (``Field._setup_attrs``); selection
        labels belong to the addons that list them (``Selection._selection_modules``).
        """
        attrs = self.attrs(model, name)
        if attrs is None:
            return []
        terms = []
        if self.value(attrs, "export_string_translation") is not False:
            string = self.related_value(model, attrs, "string")[1]
            if string is None and "related" not in attrs:
                base = name[:-4] if name.endswith("_ids") else name[:-3] if name.endswith("_id") else name
                string = base.replace("_", " ").title()
            terms.append(string)
        terms.append(self.related_value(model, attrs, "help")[1])
        if attrs["type"] in ("Selection", "Reference"):
            options = [(attrs["selection"], attrs["selection"][0].addon)] if "selection" in attrs else []
            options += [((cls, node), cls.addon) for cls, node in attrs["selection_add"]]
            for (cls, node), owner in options:
                option = literal(node, cls.path, self.repo_addons)
                if owner == addon and isinstance(option, list | tuple):
                    terms.extend(o[1] for o in option if isinstance(o, list | tuple) and len(o) == 2)
        return [term for term in terms if isinstance(term, str)]

    def translatable_fields(self, model, seen=()):
        """Field name -> how it translates ('xml', 'html', 'char'...) for the translated fields of ``model``.

        Fields of a delegated parent (``delegate=True``) are included.
        """
        result = {}
        for cls in self.classes(model):
            for name, call in cls.fields.items():
                kwargs = {k.arg: k.value for k in call.keywords}
                if kwargs.get("delegate") is not None and model not in seen:
                    comodel = self.value(self.attrs(model, name), "comodel_name")
                    for key, kind in self.translatable_fields(comodel, (*seen, model)).items():
                        result.setdefault(key, kind)
                if "translate" not in kwargs:
                    continue
                value = kwargs["translate"]
                if isinstance(value, ast.Name) and value.id in ("html_translate", "xml_translate"):
                    result[name] = value.id.removesuffix("_translate")
                elif isinstance(value, ast.Constant) and value.value is True:
                    # odoo/fields.py Html._get_attrs: translate=True means html_translate unless sanitize
                    # is False or 'email_outgoing'
                    sanitize = kwargs.get("sanitize")
                    html = call.func.attr == "Html" and (
                        sanitize is None or getattr(sanitize, "value", None) is True
                    )
                    email = call.func.attr == "Html" and getattr(sanitize, "value", None) == "email_outgoing"
                    kind = "char" if call.func.attr == "Char" else "whole"
                    result[name] = "html" if html else "email_outgoing" if email else kind
                else:
                    result.pop(name, None)
        if model == "ir.ui.view":
            result.update(dict.fromkeys(VIEW_ARCH_FIELDS, "xml"))
        return result


def model_terms(addon, index):
    """Model descriptions, field labels, help, selections and SQL constraint messages of an addon.

    As odoo/addons/base/models/ir_model.py gives XML ids: a model's description
    to every addon that defines or extends it, a field to the addon that
    defines the model and to every addon that defines or extends the field.
    """
    terms = {}
    for model, classes in index.by_model.items():
        own = [cls for cls in classes if cls.addon == addon]
        hierarchy = index.classes(model)
        if not own or not all(cls.translate for cls in hierarchy):
            continue
        definer = next((cls for cls in hierarchy if cls.name == model and cls.defines), None)
        description = next(
            (cls.description for cls in reversed(hierarchy) if cls.name == model and cls.description), None
        )
        if description:
            terms.setdefault(description, str(own[0].path))
        if definer is not None and definer.addon == addon:
            names = {name for cls in hierarchy for name in cls.fields}
        else:
            names = {name for cls in own for name in cls.fields}
            names |= {
                name
                for cls in own
                for parent in cls.parents
                for base in index.classes(parent)
                for name in base.fields
            }
        for cls in own:
            for message in cls.constraints:
                terms.setdefault(message, str(cls.path))
        for name in sorted(names):
            for term in index.field_terms(model, name, addon):
                terms.setdefault(term, f"{own[0].path} ({model}.{name})")
        if definer is not None and definer.addon == addon:
            log_access = next(
                (cls.log_access for cls in reversed(hierarchy) if cls.log_access is not None), True
            )
            for label in {**MAGIC_FIELDS, **(LOG_ACCESS_FIELDS if log_access else {})}.values():
                terms.setdefault(label, f"{definer.path} (odoo/models.py magic fields)")
    return terms


def code_terms(directory):
    """``_()`` / ``_lt()`` terms of the Python files, QWeb / JS terms of static/src, as Odoo extracts them."""
    terms = {}
    for path in sorted(directory.rglob("*.py")):
        with path.open("rb") as fileobj:
            try:
                options = {"encoding": "UTF-8"}
                extracted = list(
                    extract.extract("python", fileobj, keywords=PYTHON_KEYWORDS, options=options)
                )
            except Exception as error:  # noqa: BLE001 - Odoo logs it and exports none of the file's terms
                raise AssertionError(
                    f"{path}: Odoo's extractor fails on this file ({error!r}), so none of its terms would be "
                    "exported; e.g. an f-string inside _() is evaluated by Babel"
                ) from error
            for lineno, message, *_rest in extracted:
                terms.setdefault(message, f"{path}:{lineno}")
    static = directory / "static" / "src"
    for path in sorted(static.rglob("*.js")) if static.is_dir() else []:
        with path.open("rb") as fileobj:
            for lineno, message, *_rest in extract.extract("javascript", fileobj, keywords={"_t": None}):
                terms.setdefault(message, f"{path}:{lineno}")
    for path in sorted(static.rglob("*.xml")) if static.is_dir() else []:
        with path.open("rb") as fileobj:
            for lineno, _func, message, _comments in babel_extract_qweb(fileobj, None, None, None):
                terms.setdefault(message, f"{path}:{lineno}")
    return terms


# ----------------------------------------------------------------------
# Data files
# ----------------------------------------------------------------------
def _field_value(node):
    """The value odoo/tools/convert.py (_eval_xml) stores for a <field>, or None when evaluated."""
    if any(node.get(key) for key in ("eval", "ref", "search", "file")):
        return None
    kind = node.get("type", "char")
    if kind == "xml":
        return "".join(etree.tostring(child, encoding="unicode") for child in node)
    if kind == "html":
        return "".join(etree.tostring(child, method="html", encoding="unicode") for child in node)
    return node.text or ""


def _translated_terms(kind, value):
    """The terms Odoo's field stores and exports for ``value`` (odoo/fields.py get_trans_terms)."""
    terms = []
    if kind == "xml":
        xml_translate(terms.append, value)
    elif kind == "html":
        html_translate(terms.append, value)
    elif kind == "email_outgoing":
        # odoo/fields.py Html._get_attrs: the options of sanitize='email_outgoing'
        terms.append(html_sanitize(value, **EMAIL_OUTGOING))
    else:
        terms.append(value.strip() if kind == "char" else value)  # Char fields trim
    return terms


def data_terms(addon, directory, index):
    """Translatable terms of the records the manifest's data files create."""
    terms, unknown = {}, set()
    for relative in manifest(directory).get("data", []):
        if not relative.endswith(".xml"):
            continue
        path = directory / relative
        root = etree.parse(str(path)).getroot()
        for element in root.iter("record", "template", "menuitem"):
            where = f"{path}:{element.sourceline}"
            if element.tag == "menuitem":
                if element.get("name"):
                    terms.setdefault(element.get("name"), where)
                continue
            if element.tag == "template":
                template = etree.fromstring(etree.tostring(element))
                template.tag = "t"
                for term in _translated_terms("xml", etree.tostring(template, encoding="unicode")):
                    terms.setdefault(term, where)
                continue
            model = element.get("model")
            if model not in index.by_model:
                unknown.add(model)
                continue
            translatable = index.translatable_fields(model)
            for node in element.iterchildren("field"):
                kind = translatable.get(node.get("name"))
                value = _field_value(node) if kind else None
                if value:
                    for term in _translated_terms(kind, value):
                        terms.setdefault(term, where)
    return terms, unknown


def addon_terms(addon, repo_addons):
    """Term -> where it was found, for every term Odoo exports for ``addon`` (see module doc)."""
    directory = repo_addons / addon
    index = _index(addon, repo_addons)
    terms, unknown = data_terms(addon, directory, index)
    assert not unknown, f"{addon}: data files create records of models not found in the sources: {unknown}"
    for found in (model_terms(addon, index), code_terms(directory)):
        for term, where in found.items():
            terms.setdefault(term, where)
    root = f"{repo_addons.parent}/"
    return {term: where.replace(root, "") for term, where in terms.items() if keep(term)}


@functools.cache
def _index(addon, repo_addons):
    return ModelIndex(addon, repo_addons)


def po_translations(path):
    """msgid -> msgstr of a .po file (Odoo reads them with polib)."""
    import polib  # noqa: PLC0415

    return {entry.msgid: entry.msgstr for entry in polib.pofile(str(path)) if not entry.obsolete}
