from odoo import api, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import format_date

from ..tools import input_rules

#: Modules whose fields the bounds cover (fields of the core models they extend are left alone).
SUITE_MODULES = frozenset({"ar_credit_control", "ar_dunning", "ar_insurance"})
NUMBER_TYPES = ("float", "monetary", "integer")
DATE_TYPES = ("date", "datetime")
TEXT_LIMITS = {
    "char": input_rules.MAX_CHAR_LENGTH,
    "text": input_rules.MAX_TEXT_LENGTH,
    "html": input_rules.MAX_HTML_LENGTH,
}


class ArInputBoundsMixin(models.AbstractModel):
    """Sane bounds on every number, date and text a person or a client enters in a suite model.

    Every stored field of the suite that a client can write (not computed, or
    computed with ``readonly=False``) is covered without listing it, so a new
    field is covered too: amounts finite and within ``MAX_AMOUNT``, integers
    within ``MAX_INTEGER`` (day counts, with ``days`` in their name, within
    ``MAX_DAYS``), percentages (named ``*_percent``, labelled ``... (%)`` or
    listed in ``_ar_percent_fields``) between 0 and 100, dates within the window around
    today, texts within their length.  Limits and reasons: ``input_rules``.

    The values are checked twice with the same rules: in ``create``/``write``
    before anything reaches PostgreSQL (NaN and Infinity in a ``jsonb`` or
    ``integer`` column are raw database errors, and ``create`` inserts before
    constraints run), and by a constraint on the stored values (what onchanges
    and computations put there).  Fields written only by the server (logs,
    model data) are exempted by ``_ar_bounds_exempt``.
    """

    _name = "ar.input.bounds.mixin"
    _description = "Bounds on Input"

    #: Fields holding a percentage besides those named ``*_percent``.
    _ar_percent_fields = ()
    #: Fields the server alone writes and that may legitimately exceed the bounds (e.g. a run's log).
    _ar_bounds_exempt = ()

    @api.model
    def _ar_bounded_fields(self):
        """The fields the bounds cover: stored, of a suite module, written by clients (cached)."""
        cls = type(self)
        cached = cls.__dict__.get("_ar_bounded_cache")
        # keyed on the model's fields: a module installed later in the same process sets the
        # model up again with more fields (e.g. a company setting of ar_dunning)
        key = frozenset(self._fields)
        if cached is None or cached[0] != key:
            cached = cls._ar_bounded_cache = (key, self._ar_find_bounded_fields())
        return cached[1]

    def _ar_find_bounded_fields(self):
        return [
            field
            for name, field in self._fields.items()
            if field.store
            and not field.related
            and (not field.compute or not field.readonly)
            and field.type in (*NUMBER_TYPES, *DATE_TYPES, *TEXT_LIMITS)
            and SUITE_MODULES.intersection(field._modules or ())
            and name not in models.MAGIC_COLUMNS
            and name not in self._ar_bounds_exempt
        ]

    def _ar_bounds_today(self):
        """Today for the bounds: the company's date (as every credit rule)."""
        company = self.env.company
        if hasattr(company, "_ar_today"):
            return company._ar_today()
        return self.env.company._ar_today()

    def _ar_bounded_field_names(self):
        return [field.name for field in self._ar_bounded_fields()]

    def _ar_is_percent(self, field):
        """A percentage: named ``*_percent``, labelled ``... (%)`` or listed in ``_ar_percent_fields``."""
        return (
            field.name.endswith("_percent")
            or (field.string or "").endswith("(%)")
            or field.name in self._ar_percent_fields
        )

    def _ar_bound_problem(self, field, value):
        """``(problem, limit)`` of ``value`` for ``field`` (``problem`` None when acceptable)."""
        if field.type in NUMBER_TYPES:
            if isinstance(value, str):
                value = input_rules.parse_float(value)
            if self._ar_is_percent(field):
                return input_rules.percent_problem(value), input_rules.MAX_PERCENT
            limit = input_rules.MAX_AMOUNT
            if field.type == "integer":
                is_days = "days" in field.name.split("_")
                limit = input_rules.MAX_DAYS if is_days else input_rules.MAX_INTEGER
            return input_rules.number_problem(value, limit=limit), limit
        if field.type in DATE_TYPES:
            if isinstance(value, str):
                value = input_rules.parse_iso_date(value)
            return input_rules.date_problem(value, self._ar_bounds_today()), None
        limit = TEXT_LIMITS[field.type]
        return input_rules.text_problem(value, limit), limit

    def _ar_bound_error(self, label, field, value, problem, limit):
        """The ValidationError for ``problem`` of ``value`` in ``field`` of the record ``label``."""
        _ = self.env._
        shown = f"{value:g}" if isinstance(value, int | float) and not isinstance(value, bool) else value
        args = {
            "record": label,
            "field": field._description_string(self.env),
            "value": shown,
            "limit": f"{limit:,}" if limit else "",
        }
        if problem == input_rules.NOT_FINITE:
            message = _("%(record)s: %(field)s must be a finite number, not %(value)s.", **args)
        elif problem == input_rules.TOO_LARGE:
            message = _("%(record)s: %(field)s of %(value)s is beyond the limit of %(limit)s.", **args)
        elif problem in (input_rules.ABOVE_100, input_rules.NEGATIVE):
            message = _("%(record)s: %(field)s is %(value)s %%; a percentage is between 0 and 100.", **args)
        elif problem == input_rules.DATE_OUT_OF_WINDOW:
            first, last = input_rules.date_window(self._ar_bounds_today())
            args.update(first=format_date(self.env, first), last=format_date(self.env, last))
            message = _(
                "%(record)s: %(field)s %(value)s is outside the accepted dates (%(first)s to %(last)s).",
                **args,
            )
        elif problem == input_rules.TOO_LONG:
            args["length"] = f"{len(value):,}"
            message = _(
                "%(record)s: %(field)s is %(length)s characters long; at most %(limit)s are accepted.", **args
            )
        else:
            message = _("%(record)s: %(field)s is not valid (%(value)s).", **args)
        return ValidationError(message)

    def _ar_check_bounds(self, vals, label):
        """Raise the ValidationError of the first value of ``vals`` out of bounds.

        ``label`` names the record in the message (a callable, called only on an error).
        Values that are not numbers or dates at all are left to the ORM, which refuses them.
        """
        for field in self._ar_bounded_fields():
            if field.name in vals:
                value = vals[field.name]
                problem, limit = self._ar_bound_problem(field, value)
                if problem and problem not in (input_rules.NOT_A_NUMBER, input_rules.NOT_A_DATE):
                    raise self._ar_bound_error(label(), field, value, problem, limit)

    def _ar_new_label(self, vals):
        """How a record being created is named in a message: its name if given, else its kind."""
        kind = self.env["ir.model"]._get(self._name).name or self._description
        name = vals.get(self._rec_name) if self._rec_name else None
        if isinstance(name, str) and name:
            return f"{kind} {name[:60]}"
        return self.env._("New %(kind)s", kind=kind)

    def _ar_check_company_value(self, vals):
        """Refuse a company the user does not belong to (a record moved or made in another company).

        Odoo checks the companies of linked records (``check_company``), not the
        company a client writes on the record itself: without this, a manager
        of company A could move a shared record (a grade of every company) into
        company B, out of A's reach and into B's data. The system (crons, server
        code as superuser) is not concerned.
        """
        company_id = vals.get("company_id")
        if not company_id or self.env.su or "company_id" not in self._fields:
            return
        if company_id not in self.env.user.company_ids.ids:
            raise AccessError(
                self.env._(
                    "You cannot put a record in a company you do not belong to (%(model)s).",
                    model=self._description,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._ar_check_company_value(vals)
            self._ar_check_bounds(vals, lambda vals=vals: self._ar_new_label(vals))
        return super().create(vals_list)

    def write(self, vals):
        self._ar_check_company_value(vals)
        self._ar_check_bounds(vals, lambda: ", ".join(self[:3].mapped("display_name")))
        return super().write(vals)

    @api.constrains(lambda self: self._ar_bounded_field_names())
    def _check_ar_input_bounds(self):
        """The stored values within bounds (also those put by onchanges and computations)."""
        for record in self:
            values = {name: record[name] for name in self._ar_bounded_field_names()}
            record._ar_check_bounds(values, lambda record=record: record.display_name)
