"""One guard for the fields of the suite's documents that only the server decides.

A suite document (payment plan, promise, provision run, write-off, claim,
insolvency case, dunning communication, assessment, release...) has fields a
user types (customer, invoices, dates, notes) and fields the server decides:
its state, the totals it computes, who decided and when, the journal entries
it posted. A client that could write the second kind could activate a payment
plan whose installments do not add up, or mark a provision run posted with a
made-up total and no entry. This mixin keeps them out of reach of any client
(UI, JSON-RPC, XML-RPC, import), with one check shared by every model.
"""

import contextvars
from contextlib import contextmanager

from odoo import SUPERUSER_ID, api, models
from odoo.exceptions import AccessError, UserError

#: Names of the models whose server fields the running code may write (see ``_ar_server_write``).
#: A context variable is local to the request's thread (or greenlet): a client has no way to set
#: it, unlike the context of the environment, which any RPC call may fill.
_SERVER_WRITE = contextvars.ContextVar("ar_server_write", default=frozenset())


class ArServerFieldsMixin(models.AbstractModel):
    """Fields only the model's own action methods change.

    API (for a model that adopts it)::

        class ArThing(models.Model):
            _name = "ar.thing"
            _inherit = ["ar.server.fields.mixin", "mail.thread"]
            #: state and everything the actions decide or compute
            _ar_server_fields = ("state", "total", "decided_by_id", "decision_date", "move_id")

            def action_decide(self):
                self._check_decider()                   # group, company, state, invariants first
                with self._ar_server_write():           # then the server writes what it decided
                    self.write({"state": "done", "decided_by_id": self.env.uid, ...})

    Rules:

    - ``create`` from a client may leave a server field out or give it its
      default value (``state='draft'``); any other value is refused, and so is
      a ``default_<field>`` key in the context that would set one.
    - ``write`` from a client may never name a server field, whatever the
      value (``with_context`` keys, ``sudo()`` or RPC changes nothing).
    - Only code inside ``with self._ar_server_write():`` (or
      ``with self._ar_server_write("other.model"):`` for another guarded
      model too) writes them. The permission is held in a context variable of the
      running thread, never in ``env.context``, so no client can grant it;
      it covers the models named, for the duration of the ``with`` block only.
    - The superuser itself (``uid == SUPERUSER_ID``: module data loading,
      crons running as OdooBot, the shell, tests' setup) is server code and
      is not checked. ``sudo()`` is NOT a bypass: sudo code reachable with a
      user's values must still enter ``_ar_server_write`` on purpose.
    - ``copy()`` leaves the server fields out (a duplicate is a new draft).
    - With ``_ar_server_unlink = True`` the records are also deleted by the
      server only (lines that document a computation).
    - Stored computed fields recomputed by the ORM are not writes through
      ``write()``, and mail tracking writes other models: both keep working.

    Refusals raise ``AccessError`` naming the field; nothing is written. An
    extension that adds server fields overrides ``_ar_server_field_names``
    (call ``super()`` and add its names).
    """

    _name = "ar.server.fields.mixin"
    _description = "Fields set by the server only"

    #: Field names only the server changes (state, computed totals, decider, decision date, moves...).
    _ar_server_fields = ()
    #: True for records only the server makes and drops (the lines of a computed provision run).
    _ar_server_unlink = False

    # ------------------------------------------------------------------
    # The other two guards of an action method: who may act, and when
    # ------------------------------------------------------------------
    def _ar_check_group(self, group, message):
        """AccessError with ``message`` unless the current user is in ``group`` (an XML id of ``const.py``).

        Called first by every action that changes data: the button's ``groups=`` in a view hides
        it, this refuses it over RPC. ``sudo()`` keeps the user, so sudo code checks the caller;
        the superuser itself (crons as OdooBot, data loading, the shell) is server code.
        """
        if self.env.uid != SUPERUSER_ID and not self.env.user.has_group(group):
            raise AccessError(message)

    def _ar_check_state(self, *states):
        """UserError unless every record is in one of ``states``: each step follows the previous one."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        for record in self:
            if record.state not in states:
                raise UserError(
                    self.env._(
                        "%(record)s is %(state)s: this step is not possible now.",
                        record=record.display_name,
                        state=labels[record.state],
                    )
                )

    @api.model
    def _ar_server_field_names(self):
        """The model's server-owned field names (an extension may add its own with ``super()``)."""
        return frozenset(self._ar_server_fields)

    @contextmanager
    def _ar_server_write(self, *model_names):
        """Let the code inside the ``with`` block write the server fields of this model.

        ``model_names``: further guarded models the same action writes (a dunning
        run creating its communications). Why a context manager and not a
        context key: ``env.context`` comes from the client on every RPC call,
        the running thread's context variable does not.
        """
        token = _SERVER_WRITE.set(_SERVER_WRITE.get() | {self._name, *model_names})
        try:
            yield
        finally:
            _SERVER_WRITE.reset(token)

    def _ar_server_writing(self):
        """True when the running code may write this model's server fields (the superuser, or code
        inside ``_ar_server_write`` for this model); ``_ar_guard_core_fields`` applies it to core
        models too."""
        return self.env.uid == SUPERUSER_ID or self._name in _SERVER_WRITE.get()

    @api.model
    def _ar_guard_core_fields(self, records, vals_list, names):
        """The same guard for core models the suite extends with server fields (an invoice's risk
        scores and dunning level, a partner's commercial entity), which cannot adopt the mixin.

        ``records``: the recordset written (or the empty model on create); ``vals_list``: the
        values of each record to write or create; ``names``: the fields only the server sets
        (written in SQL by the suite's runs, or computed by Odoo). Create may give them their
        default (empty) value; write may not name them, unless the running code is the superuser
        or entered ``records._name`` in ``_ar_server_write`` (see the class docstring).
        """
        # the mixin's own rule and message, applied to the core model's records
        if ArServerFieldsMixin._ar_server_writing(records):
            return
        creating = not records
        for vals in vals_list:
            for fname in sorted(set(names).intersection(vals)):
                if creating and not vals[fname]:
                    continue  # create may give them their default (empty) value
                ArServerFieldsMixin._ar_refuse_server_field(records, fname)

    def _ar_refuse_server_field(self, fname):
        """Raise the AccessError naming ``fname``: clear for a user, exact for a developer.

        Reads only ``_fields``, ``_description`` and ``env``: ``_ar_guard_core_fields`` applies it
        to core models too.
        """
        field = self._fields[fname]
        raise AccessError(
            self.env._(
                "%(field)s (%(name)s) of %(model)s is set by the server through the document's actions "
                "only; it cannot be written directly.",
                field=field._description_string(self.env),
                name=fname,
                model=self._description,
            )
        )

    @api.model
    def _ar_field_default(self, fname):
        """The field's own default (never the context's ``default_*``: that comes from the client)."""
        field = self._fields[fname]
        value = field.default(self) if field.default else False
        return field.convert_to_write(field.convert_to_cache(value, self), self)

    @api.model
    def _ar_is_default(self, fname, value):
        """True when ``value`` is what ``create`` would give ``fname`` anyway."""
        field = self._fields[fname]
        if field.type in ("one2many", "many2many"):
            return not value
        default = self._ar_field_default(fname)
        try:
            value = field.convert_to_write(field.convert_to_cache(value, self), self)
        except (ValueError, TypeError):
            return False
        return value == default or (not value and not default)

    @api.model_create_multi
    def create(self, vals_list):
        """Refuse server fields the client sets to anything but their default; drop context defaults."""
        names = self._ar_server_field_names()
        keys = {f"default_{fname}": fname for fname in names if f"default_{fname}" in self.env.context}
        if names and not self._ar_server_writing():
            for vals in vals_list:
                for fname in sorted(names.intersection(vals)):
                    if not self._ar_is_default(fname, vals[fname]):
                        self._ar_refuse_server_field(fname)
            for key, fname in sorted(keys.items()):
                if not self._ar_is_default(fname, self.env.context[key]):
                    self._ar_refuse_server_field(fname)
        if keys:  # the client's context never gives a server field its value, not even in an action
            self = self.with_context({k: v for k, v in self.env.context.items() if k not in keys})  # noqa: PLW0642
        return super().create(vals_list)

    def write(self, vals):
        """Refuse any server field unless the document's own action writes it."""
        names = self._ar_server_field_names().intersection(vals)
        if names and not self._ar_server_writing():
            self._ar_refuse_server_field(sorted(names)[0])
        return super().write(vals)

    def copy_data(self, default=None):
        """A duplicate starts where a new document starts: the server fields are not copied.

        Values the caller passes in ``default`` stay, for ``create`` to judge.
        """
        vals_list = super().copy_data(default=default)
        if not self._ar_server_writing():
            dropped = self._ar_server_field_names() - set(default or ())
            for vals in vals_list:
                for fname in dropped:
                    vals.pop(fname, None)
        return vals_list

    def unlink(self):
        """Records the server alone makes (``_ar_server_unlink``) are dropped by the server alone."""
        if self._ar_server_unlink and self and not self._ar_server_writing():
            raise AccessError(
                self.env._(
                    "%(model)s records are made and removed by the server through their document's "
                    "actions only.",
                    model=self._description,
                )
            )
        return super().unlink()
