"""Every model using ``ar.server.fields.mixin``: no client sets or changes its server fields.

The models and their fields are read from the registry, so a new document
that adopts the mixin is covered by these tests without editing them.
"""

from datetime import date, datetime, timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import ArTransactionCase

MIXIN = "ar.server.fields.mixin"
#: A user with every manager group of the suite that is installed: full rights on its documents.
MANAGER_GROUPS = (
    "base.group_user",
    "base.group_partner_manager",
    "sales_team.group_sale_manager",
    "account.group_account_manager",
    "ar_credit_control.group_ar_credit_manager",
    "ar_dunning.group_ar_dunning_manager",
    "ar_insurance.group_ar_insurance_manager",
)
#: AccessError and ValidationError are UserErrors: any clear refusal (never a traceback).
REFUSED = UserError


class _Rollback(Exception):
    """Undo a trial create that succeeded."""


@tagged("post_install", "-at_install")
class TestServerFields(ArTransactionCase):
    """Forge each server field of each guarded model on create and on write, as a full-rights user."""

    #: Only the models of these modules (``None``: every model using the mixin).
    modules = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = [xmlid for xmlid in MANAGER_GROUPS if cls.env.ref(xmlid, raise_if_not_found=False)]
        cls.user = new_test_user(
            cls.env,
            login="ar_server_fields_manager",
            groups=",".join(groups),
            company_id=cls.env.company.id,
            company_ids=[Command.set(cls.env["res.company"].search([]).ids)],
        )

    # ------------------------------------------------------------------
    # Enumeration and samples
    # ------------------------------------------------------------------
    def _guarded_models(self):
        """Names of the concrete models inheriting the mixin (of ``modules`` when set)."""
        names = sorted(
            name
            for name in self.env.registry[MIXIN]._inherit_children
            if not self.env[name]._abstract and not self.env[name]._transient
        )
        if self.modules is not None:
            defined = self.env["ir.model"].search([("model", "in", names)])
            names = [m.model for m in defined if set(m.modules.split(", ")) & set(self.modules)]
        return names

    def _guarded_models_all(self):
        return self.env.registry[MIXIN]._inherit_children

    def _some(self, comodel, exclude=()):
        """A record of ``comodel`` (of the current company when it has one), not in ``exclude``."""
        Comodel = self.env[comodel]
        domain = [("id", "not in", list(exclude))]
        if "company_id" in Comodel._fields and Comodel._fields["company_id"].store:
            domain.append(("company_id", "in", [False, self.env.company.id]))
        if comodel == "res.partner":
            # a customer that owes something: documents such as promises are bounded by the open amount
            owing = self.env["account.move"].search(
                [
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("amount_residual", ">=", 1000),
                    ("company_id", "=", self.env.company.id),
                    ("commercial_partner_id", "not in", list(exclude)),
                ],
                limit=1,
            )
            if owing:
                return owing.commercial_partner_id
            domain += [("parent_id", "=", False), ("is_company", "=", True)]
        if comodel == "account.move":
            domain += [("move_type", "=", "out_invoice"), ("state", "=", "posted")]
        return Comodel.search(domain, limit=1) or Comodel.search([("id", "not in", list(exclude))], limit=1)

    def _sample(self, field):
        """A plausible value of a required ``field`` for building a record."""
        if field.type == "many2one":
            return self._some(field.comodel_name).id
        if field.type in ("many2many", "one2many"):
            return [Command.set(self._some(field.comodel_name).ids)] if field.type == "many2many" else []
        if field.type == "selection":
            return field.get_values(self.env)[0]
        if field.type in ("date", "datetime"):
            return date.today() + timedelta(days=30)  # within every horizon (e.g. a promise's 90 days)
        if field.type in ("char", "text", "html"):
            return "sample"
        if field.type in ("integer", "float", "monetary"):
            return 100
        return True

    def _record(self, model):
        """A record of ``model``: an existing one of the company, else one built by the server."""
        Model = self.env[model]
        domain = []
        if "company_id" in Model._fields and Model._fields["company_id"].store:
            domain = [("company_id", "=", self.env.company.id)]
        record = Model.search(domain, limit=1)
        if record:
            return record
        vals = {}
        for name, field in Model._fields.items():
            if (
                field.required
                and field.store
                and not field.compute
                and not field.related
                and not field.default
            ):
                if field.type == "many2one" and field.comodel_name in self._guarded_models_all():
                    vals[name] = self._record(field.comodel_name).id
                else:
                    vals[name] = self._sample(field)
        with Model._ar_server_write():
            return Model.create(vals)

    def _forge(self, record, fname):
        """A value of ``fname`` the server did not decide (different from the record's and the default)."""
        field = record._fields[fname]
        current = record[fname]
        default = record._ar_field_default(fname)
        if field.type == "selection":
            values = [v for v in field.get_values(self.env) if v not in (current, default)]
            return values[-1] if values else current
        if field.type == "many2one":
            return self._some(field.comodel_name, exclude=current.ids).id or current.id
        if field.type in ("one2many", "many2many"):
            return [Command.clear()]
        if field.type == "boolean":
            return not current
        if field.type == "integer":
            return (current or 0) + 7
        if field.type in ("float", "monetary"):
            if "(%)" in (field.string or "") or fname.endswith(("_rate", "_percent")):
                return (current or 0.0) + 1.5  # a percentage stays within 0-100 (the input bounds)
            return (current or 0.0) + 12345.5
        if field.type == "date":
            return date(2031, 1, 31) if current != date(2031, 1, 31) else date(2032, 2, 29)
        if field.type == "datetime":
            return datetime(2031, 1, 31, 12, 0)
        return f"forged {current or ''}"

    def _snapshot(self, record, fname):
        record.invalidate_recordset()
        value = record.sudo()[fname]
        return value.ids if record._fields[fname].type in ("many2one", "one2many", "many2many") else value

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------
    def test_models_enumerated(self):
        """The suite's documents use the mixin and declare server fields that exist."""
        names = self._guarded_models()
        self.assertTrue(names, "no model uses ar.server.fields.mixin")
        for name in names:
            declared = self.env[name]._ar_server_field_names()
            self.assertTrue(declared, f"{name} declares no server field")
            self.assertLessEqual(declared, set(self.env[name]._fields), f"{name}: unknown server field")

    def test_write_refused(self):
        """A full-rights user writing any server field is refused, naming the field; nothing changes."""
        for model in self._guarded_models():
            record = self._record(model)
            for fname in sorted(record._ar_server_field_names()):
                with self.subTest(model=model, field=fname):
                    before = self._snapshot(record, fname)
                    forged = self._forge(record, fname)
                    with self.assertRaises(REFUSED) as caught:
                        record.with_user(self.user).write({fname: forged})
                    self.assertIn(fname, str(caught.exception))
                    self.assertEqual(self._snapshot(record, fname), before)

    def test_write_refused_with_sudo_and_context(self):
        """``sudo()`` and context keys are no way around the guard."""
        tricks = {"ar_server_write": True, "install_mode": True, "tracking_disable": True}
        for model in self._guarded_models():
            record = self._record(model)
            fname = sorted(record._ar_server_field_names())[0]
            with self.subTest(model=model, field=fname):
                before = self._snapshot(record, fname)
                with self.assertRaises(REFUSED):
                    record.with_user(self.user).sudo().with_context(**tricks).write(
                        {fname: self._forge(record, fname)}
                    )
                self.assertEqual(self._snapshot(record, fname), before)

    def _base_vals(self, record):
        """Values of a new record like ``record``: its required fields that are not server fields."""
        server = record._ar_server_field_names()
        vals = {}
        for name, field in record._fields.items():
            if (
                field.required
                and field.store
                and not field.compute
                and not field.related
                and name not in server
            ):
                vals[name] = field.convert_to_write(record[name], record)
        return vals

    def _client_creates(self, Model, vals):
        """True when the user may create ``vals`` (then undone): the model is created by clients."""
        server = Model._ar_server_field_names()
        if any(Model._fields[f].required and not Model._fields[f].default and f not in vals for f in server):
            return False  # a required field only the server sets: documents made by the server alone
        try:
            # a model with one record per company refuses a second one in PostgreSQL: quietly
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                Model.with_user(self.user).create(vals)
                raise _Rollback
        except _Rollback:
            return True
        except Exception:  # noqa: BLE001 - any refusal means: not created by clients this way
            return False
        finally:
            self.env.invalidate_all()

    def test_create_refused(self):
        """A full-rights user creating a document with a forged server field is refused; nothing created."""
        for model in self._guarded_models():
            record = self._record(model)
            Model = self.env[model]
            base = self._base_vals(record)
            plain = self._client_creates(Model, base)
            for fname in sorted(record._ar_server_field_names()):
                forged = self._forge(record, fname)
                if record._ar_is_default(fname, forged):
                    continue  # nothing to forge (no other value exists)
                with self.subTest(model=model, field=fname):
                    count = Model.sudo().search_count([])
                    with self.assertRaises(REFUSED) as caught:
                        Model.with_user(self.user).create({**base, fname: forged})
                    if plain:  # refused because of this field, not because clients cannot create at all
                        self.assertIn(fname, str(caught.exception))
                    self.assertEqual(Model.sudo().search_count([]), count)
                with self.subTest(model=model, field=fname, via="context default"):
                    with self.assertRaises(REFUSED):
                        Model.with_user(self.user).with_context(**{f"default_{fname}": forged}).create(base)
                    self.assertEqual(Model.sudo().search_count([]), count)

    def test_default_value_allowed(self):
        """A client may give a server field its default value (a form sends ``state='draft'``)."""
        for model in self._guarded_models():
            record = self._record(model)
            Model = self.env[model]
            base = self._base_vals(record)
            if not self._client_creates(Model, base):
                continue
            as_user = record.with_user(self.user)
            defaults = {
                fname: as_user._ar_field_default(fname)
                for fname in record._ar_server_field_names()
                if record._fields[fname].type not in ("one2many", "many2many")
                and record._ar_field_default(fname)
            }
            with self.subTest(model=model, defaults=defaults):
                self.assertTrue(self._client_creates(Model, {**base, **defaults}))

    def test_server_write_allowed(self):
        """The server path writes them; the permission ends with the ``with`` block."""
        for model in self._guarded_models():
            record = self._record(model).with_user(self.user)
            plain = [
                fname
                for fname in sorted(record._ar_server_field_names())
                if record._fields[fname].type not in ("one2many", "many2many", "selection")
                and not record._fields[fname].related
            ]
            if not plain:
                continue
            fname = plain[0]
            with self.subTest(model=model, field=fname):
                forged = self._forge(record, fname)
                with record._ar_server_write():
                    record.sudo().write({fname: forged})
                    self.assertTrue(record._ar_server_writing())
                self.assertFalse(record._ar_server_writing())
                with self.assertRaises(REFUSED):
                    record.write({fname: forged})

    def test_copy_starts_afresh(self):
        """A duplicate does not carry the server fields; forging them through ``copy`` is refused."""
        for model in self._guarded_models():
            record = self._record(model)
            fname = sorted(record._ar_server_field_names())[0]
            with self.subTest(model=model, field=fname):
                vals = record.with_user(self.user).copy_data()[0]
                self.assertFalse(set(vals) & record._ar_server_field_names())
                forged = self._forge(record, fname)
                if record._ar_is_default(fname, forged):
                    continue
                count = self.env[model].sudo().search_count([])
                with self.assertRaises(REFUSED):
                    record.with_user(self.user).copy({fname: forged})
                self.assertEqual(self.env[model].sudo().search_count([]), count)
