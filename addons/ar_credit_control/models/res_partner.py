from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import format_amount, format_date

from ..const import GROUP_CREDIT_MANAGER
from ..tools import credit_rules
from ..tools.credit_rules import CustomerCredit

#: Partner fields only a credit manager may change.
CREDIT_MANAGED_FIELDS = frozenset(
    {
        "credit_limit",
        "use_partner_credit_limit",
        "credit_grade_id",
        "credit_score",
        "credit_hold",
        "credit_hold_reason",
        "credit_review_date",
        "credit_limit_temp",
        "credit_limit_temp_until",
        "credit_stop_delivery",
        "credit_stop_delivery_reason",
    }
)

#: Partner fields that stop deliveries (read in every credit-check mode, see _ar_delivery_stops).
DELIVERY_STOP_FIELDS = ["credit_stop_delivery", "credit_stop_delivery_reason"]
#: Partner fields read by the credit check.
CUSTOMER_CREDIT_FIELDS = [
    "credit_limit",
    "credit_limit_temp",
    "credit_limit_temp_until",
    "credit_hold",
    "credit_review_date",
    "credit_grade_id",
    *DELIVERY_STOP_FIELDS,
]


#: The commercial entity is Odoo's computation from the parent; the credit figures, limits and
#: holds are the commercial entity's, so a client that rewrote it would move a contact's orders
#: out from under its company's limit or hold.
_COMPUTED_ENTITY = frozenset({"commercial_partner_id"})


class ResPartner(models.Model):
    """Credit rating, hold and temporary limit of a customer, per company.

    The permanent limit is Odoo's own ``credit_limit``; this model adds what a
    credit manager decides around it and keeps every change in the chatter.
    """

    _name = "res.partner"
    _inherit = ["res.partner", "ar.input.bounds.mixin"]

    # Credit users (and so the credit managers) may read the core limit too.
    credit_limit = fields.Float(
        tracking=True,
        groups="account.group_account_invoice,account.group_account_readonly,"
        "ar_credit_control.group_ar_credit_user",
    )
    credit_grade_id = fields.Many2one(
        "ar.credit.grade",
        company_dependent=True,
        tracking=True,
        help="Rating given by the last approved credit assessment.",
    )
    credit_score = fields.Float(
        company_dependent=True,
        tracking=True,
        help="Total score (0-100) of the last approved credit assessment.",
    )
    credit_hold = fields.Boolean(
        string="On Credit Hold",
        company_dependent=True,
        tracking=True,
        help="No new order of this customer is confirmed while on hold.",
    )
    credit_hold_reason = fields.Char(company_dependent=True, tracking=True)
    credit_review_date = fields.Date(
        string="Next Credit Review",
        company_dependent=True,
        tracking=True,
    )
    credit_limit_temp = fields.Float(
        string="Temporary Credit Limit",
        company_dependent=True,
        tracking=True,
        help="Replaces the credit limit until its expiry date (e.g. for a seasonal peak).",
    )
    credit_limit_temp_until = fields.Date(
        string="Temporary Limit Until",
        company_dependent=True,
        tracking=True,
    )

    credit_stop_delivery = fields.Boolean(
        string="Deliveries Stopped",
        company_dependent=True,
        tracking=True,
        help="No order of this customer is confirmed while deliveries are stopped (e.g. insolvency), "
        "whatever the credit check criteria. Without the Inventory app, pickings are not blocked.",
    )
    credit_stop_delivery_reason = fields.Char(string="Stop Reason", company_dependent=True, tracking=True)
    ar_insolvency_case_count = fields.Integer(
        string="Insolvency Case Count",
        compute="_compute_ar_insolvency_case_count",
        groups="ar_credit_control.group_ar_credit_user",
    )

    credit_limit_effective = fields.Float(
        string="Limit in Force",
        compute="_compute_credit_figures",
        help="The temporary limit while it runs, else the credit limit.",
    )
    credit_exposure = fields.Float(
        compute="_compute_credit_figures",
        help="Open receivables + confirmed orders not invoiced (+ draft invoices if configured), "
        "company currency.",
    )
    credit_available = fields.Float(compute="_compute_credit_figures", help="Limit in force minus exposure.")
    credit_overdue_amount = fields.Float(compute="_compute_credit_figures")
    credit_overdue_days = fields.Integer(
        string="Days Overdue",
        compute="_compute_credit_figures",
        help="Days the oldest open invoice is past its due date.",
    )
    credit_usage = fields.Float(string="Credit Usage (%)", compute="_compute_credit_figures")
    credit_limit_label = fields.Char(
        string="Credit Limit in Force",
        compute="_compute_credit_figures",
        help="The limit in force, or what a zero limit means in this company: no limit, or no credit.",
    )
    credit_limit_label_blocks = fields.Boolean(compute="_compute_credit_figures")
    credit_over_limit = fields.Boolean(
        compute="_compute_credit_figures",
        search="_search_credit_over_limit",
    )
    credit_currency_id = fields.Many2one("res.currency", compute="_compute_credit_figures")
    credit_is_manager = fields.Boolean(
        compute="_compute_credit_is_manager",
        help="Technical: the current user may change this customer's credit settings.",
    )

    @api.depends_context("uid")
    def _compute_credit_is_manager(self):
        is_manager = self.env.user.has_group(GROUP_CREDIT_MANAGER)
        for partner in self:
            partner.credit_is_manager = is_manager

    # ------------------------------------------------------------------
    # Exposure
    # ------------------------------------------------------------------
    def _ar_credit_figures(self, company=None, overdue_amounts=True, lock=False):
        """Exposure figures of this commercial partner in ``company`` (default: current).

        ``lock``: the same statement first locks and touches the partner's
        row, so a concurrent transaction that read the old exposure fails to
        serialize and is retried by Odoo on fresh data instead of passing on
        the same headroom. Use it before a check that may let a document pass.
        """
        self.ensure_one()
        company = company or self.env.company
        return self._ar_credit_figures_batch(company, overdue_amounts, lock)[self.commercial_partner_id.id]

    def _ar_credit_figures_batch(self, company, overdue_amounts=True, lock=False):
        return self.env["ar.credit.balance"]._figures(
            self,
            company,
            include_orders=company.ar_exposure_include_orders,
            include_drafts=company.ar_exposure_include_drafts,
            overdue_amounts=overdue_amounts,
            lock=lock,
        )

    def _ar_delivery_stops(self):
        """Why deliveries to this customer are stopped today in the current company: a list of reasons.

        A hook, the one source of delivery stops: here the stop set on the
        customer (by an insolvency case or by hand); an addon adds its own
        (ar_insurance: the insurer's stop-delivery date once passed). Any
        reason refuses the customer's orders in every credit-check mode, and
        no credit release covers it (``sale.order._ar_refuse_delivery_stops``).
        Empty when deliveries go on.
        """
        self.ensure_one()
        partner = self.commercial_partner_id
        if partner.credit_stop_delivery:
            return [(partner.credit_stop_delivery_reason or "").strip() or "-"]
        return []

    def _ar_fetch_credit_settings(self, stops_only=False):
        """Read what the credit check needs of these partners and their commercial entities; return self.

        Only those columns (all the check reads, or only the delivery stop
        with ``stops_only``, when the check is off), in one query (two for a contact
        of a company): reading one company-dependent field alone would fetch
        every property of the partner with its fallbacks (pricelist,
        accounts, payment terms...), the costliest read of an order
        confirmation.
        """
        field_names = DELIVERY_STOP_FIELDS if stops_only else CUSTOMER_CREDIT_FIELDS
        self.fetch(["commercial_partner_id", *field_names])
        others = self.commercial_partner_id - self
        if others:
            others.fetch(field_names)
        return self

    def _ar_customer_credit(self, delivery_stops=None):
        """This partner's credit settings in the current company, as a CustomerCredit.

        ``delivery_stops``: the reasons of ``_ar_delivery_stops`` when the caller has them (the
        order check, its preview, the API); by default only the stop set on the customer is read,
        the cheap figure the daily review of every customer needs.
        """
        self.ensure_one()
        partner = self.commercial_partner_id
        # only the columns the check needs (not every stored field of the partner)
        partner.fetch(CUSTOMER_CREDIT_FIELDS)
        if delivery_stops is None:
            stopped, stop_reason = partner.credit_stop_delivery, partner.credit_stop_delivery_reason or ""
        else:
            stopped, stop_reason = bool(delivery_stops), "; ".join(delivery_stops)
        grade = partner.credit_grade_id
        return CustomerCredit(
            limit=partner._ar_effective_limit(),
            on_hold=partner.credit_hold,
            tolerance_days=grade.overdue_tolerance_days if grade else None,
            requires_prepayment=grade.requires_prepayment,
            review_date=partner.credit_review_date,
            deliveries_stopped=stopped,
            stop_reason=stop_reason,
        )

    def _ar_effective_limit(self):
        """The limit in force in the current company, on the company's date."""
        return credit_rules.effective_limit(
            self.credit_limit,
            self.credit_limit_temp,
            self.credit_limit_temp_until,
            self.env.company._ar_today(),
        )

    @api.model
    def _ar_credit_reasons(self, company, customer, figures, order_amount, *, rounding):
        """Apply ``company``'s credit policy (see credit_rules.credit_reasons)."""
        return credit_rules.credit_reasons(
            company._ar_credit_policy(),
            customer,
            figures,
            order_amount,
            company._ar_today(),
            rounding=rounding,
        )

    @api.model
    def _ar_reason_lines(self, reasons, currency):
        """Human-readable lines, one per reason, with the figures."""
        env = self.env

        def money(amount):
            return format_amount(env, amount, currency)

        lines = []
        for code, info in reasons:
            if code == credit_rules.OVER_LIMIT:
                lines.append(
                    env._(
                        "Over the credit limit: exposure %(exposure)s + this order %(order)s = %(total)s, "
                        "limit %(limit)s (accepted up to %(allowed)s), %(over)s over the limit.",
                        exposure=money(info["exposure"]),
                        order=money(info["order"]),
                        total=money(info["total"]),
                        limit=money(info["limit"]),
                        allowed=money(info["allowed"]),
                        over=money(info["over"]),
                    )
                )
            elif code == credit_rules.OVERDUE and info["amount"] is None:
                lines.append(
                    env._(
                        "Overdue: the oldest open invoice is %(days)s days past due "
                        "(tolerance %(tolerance)s days).",
                        days=info["days"],
                        tolerance=info["tolerance"],
                    )
                )
            elif code == credit_rules.OVERDUE:
                lines.append(
                    env._(
                        "Overdue: the oldest open invoice is %(days)s days past due "
                        "(tolerance %(tolerance)s days); %(amount)s overdue in all.",
                        days=info["days"],
                        tolerance=info["tolerance"],
                        amount=money(info["amount"]),
                    )
                )
            elif code == credit_rules.DELIVERIES_STOPPED:
                lines.append(
                    env._("Deliveries to the customer are stopped: %(reason)s", reason=info["reason"] or "-")
                )
            elif code == credit_rules.ON_HOLD:
                lines.append(env._("The customer is on credit hold."))
            elif code == credit_rules.PREPAYMENT:
                lines.append(env._("The customer's credit grade requires prepayment."))
            elif code == credit_rules.REVIEW_DUE:
                lines.append(
                    env._("The credit review was due on %(date)s.", date=format_date(env, info["date"]))
                )
        return lines

    @api.model
    def _ar_exposure_summary(self, figures, customer, currency, order_amount):
        """One line with exposure, limit, usage and the exposure after an order."""
        env = self.env
        limit = customer.limit
        after = figures.exposure + order_amount
        limit_text = format_amount(env, limit, currency) if limit else env._("none")
        return Markup("%s") % env._(
            "Exposure %(exposure)s, limit %(limit)s (%(usage)s %% used); after this order: %(after)s.",
            exposure=format_amount(env, figures.exposure, currency),
            limit=limit_text,
            usage=round(credit_rules.usage_percent(figures.exposure, limit)),
            after=format_amount(env, after, currency),
        )

    @api.depends_context("company", "uid")
    @api.depends("credit_limit", "credit_limit_temp", "credit_limit_temp_until")
    def _compute_credit_figures(self):
        company = self.env.company
        today = company._ar_today()
        commercial = self.filtered("id").commercial_partner_id
        figures = commercial.sudo()._ar_credit_figures_batch(company) if commercial else {}
        for partner in self:
            data = figures.get(partner.commercial_partner_id.id)
            limit = partner.sudo().commercial_partner_id._ar_effective_limit()
            exposure = data.exposure if data else 0.0
            partner.credit_currency_id = company.currency_id
            partner.credit_limit_effective = limit
            partner.credit_exposure = exposure
            partner.credit_available = limit - exposure if limit else 0.0
            partner.credit_overdue_amount = data.overdue_amount if data else 0.0
            partner.credit_overdue_days = data.overdue_days(today) if data else 0
            partner.credit_usage = credit_rules.usage_percent(exposure, limit)
            partner.credit_limit_label, partner.credit_limit_label_blocks = partner._ar_limit_label(
                company, limit
            )
            partner.credit_over_limit = (
                bool(limit) and company.currency_id.compare_amounts(exposure, limit) > 0
            )

    def _ar_limit_label(self, company, limit):
        """``(label, blocks)``: the limit in force in words; a zero limit reads as the company's rule."""
        if limit:
            return format_amount(self.env, limit, company.currency_id), False
        if company.ar_credit_zero_limit == "no_credit":
            return self.env._("No credit (cash only)"), True
        return self.env._("No limit"), False

    def _search_credit_over_limit(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on 'over limit'."))
        company = self.env.company
        self.env["ar.credit.balance"].flush_model()
        self.env.cr.execute(
            "SELECT partner_id FROM ar_credit_balance WHERE company_id = %s AND receivable > 0",
            [company.id],
        )
        candidate_ids = {row[0] for row in self.env.cr.fetchall()}
        candidate_ids |= set(
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "sale"),
                    ("invoice_status", "!=", "invoiced"),
                ]
            )
            .partner_id.commercial_partner_id.ids
        )
        candidates = self.browse(candidate_ids)
        over = candidates.filtered("credit_over_limit").ids
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", over)]

    def _ar_alert_managers(self, company, summary):
        """Schedule one credit review activity per open alert, for the least loaded credit manager."""
        activity_type = self.env.ref("ar_credit_control.mail_activity_credit_review")
        for partner in self:
            open_summaries = partner.activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type
            ).mapped("summary")
            manager = company._ar_credit_review_assignee()
            if summary in open_summaries or not manager:
                continue
            partner.activity_schedule(activity_type_id=activity_type.id, user_id=manager.id, summary=summary)

    @api.depends_context("company")
    def _compute_ar_insolvency_case_count(self):
        groups = self.env["ar.insolvency.case"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.ar_insolvency_case_count = counts.get(partner.commercial_partner_id.id, 0)

    def action_new_insolvency_case(self):
        """Open a new insolvency case of the customer's commercial entity (credit managers only)."""
        self.ensure_one()
        self.env["ar.insolvency.case"]._check_credit_manager()
        partner = self.commercial_partner_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Insolvency Case"),
            "res_model": "ar.insolvency.case",
            "view_mode": "form",
            "target": "current",
            "context": {"default_partner_id": partner.id},
        }

    def action_view_insolvency_cases(self):
        """The insolvency cases of the customer's commercial entity."""
        self.ensure_one()
        partner = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id("ar_credit_control.ar_insolvency_case_action")
        action.update(
            {
                "domain": [("partner_id", "=", partner.id)],
                "context": {"default_partner_id": partner.id},
            }
        )
        return action

    def action_view_assessments(self):
        """Open the credit assessments of the customer's commercial entity."""
        self.ensure_one()
        partner = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ar_credit_control.ar_credit_assessment_action"
        )
        action.update(
            {
                "name": self.env._("Credit Assessments of %(partner)s", partner=partner.display_name),
                "domain": [("partner_id", "=", partner.id)],
                "context": {"default_partner_id": partner.id},
            }
        )
        return action

    @api.constrains("credit_limit_temp", "credit_limit_temp_until")
    def _check_temp_limit_expiry(self):
        for partner in self:
            if partner.credit_limit_temp and not partner.credit_limit_temp_until:
                raise ValidationError(
                    self.env._(
                        "Give the temporary credit limit of %(partner)s an expiry date.",
                        partner=partner.display_name,
                    )
                )

    @api.constrains("credit_limit", "credit_limit_temp")
    def _check_credit_limits_positive(self):
        for partner in self:
            if partner.credit_limit < 0 or partner.credit_limit_temp < 0:
                raise ValidationError(
                    self.env._(
                        "A credit limit cannot be negative (%(partner)s).",
                        partner=partner.display_name,
                    )
                )

    @api.constrains("credit_stop_delivery", "credit_stop_delivery_reason")
    def _check_stop_delivery_reason(self):
        for partner in self:
            if partner.credit_stop_delivery and not (partner.credit_stop_delivery_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Say why deliveries to %(partner)s are stopped: the reason is mandatory.",
                        partner=partner.display_name,
                    )
                )

    @api.constrains("credit_hold", "credit_hold_reason")
    def _check_hold_reason(self):
        for partner in self:
            if partner.credit_hold and not (partner.credit_hold_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Say why %(partner)s is put on credit hold: the reason is mandatory.",
                        partner=partner.display_name,
                    )
                )

    def _check_credit_write_access(self, vals, creating=False):
        """Refuse changes of credit settings by anyone but a credit manager.

        On creation, empty values (what the form sends by default) are allowed.
        """
        changed = {name for name in CREDIT_MANAGED_FIELDS.intersection(vals) if vals[name] or not creating}
        if self.env.su or not changed:
            return
        if not self.env.user.has_group(GROUP_CREDIT_MANAGER):
            raise AccessError(
                self.env._("Only a Credit Manager can change credit limits, grades, holds and review dates.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_credit_write_access(vals, creating=True)
        self.env["ar.server.fields.mixin"]._ar_guard_core_fields(self, vals_list, _COMPUTED_ENTITY)
        return super().create(vals_list)

    def write(self, vals):
        self._check_credit_write_access(vals)
        self.env["ar.server.fields.mixin"]._ar_guard_core_fields(self, [vals], _COMPUTED_ENTITY)
        result = super().write(vals)
        self._ar_revoke_releases(vals)
        if "tz" in vals:
            self.env.registry.clear_cache()  # a company's date follows its address's time zone
        return result

    def _ar_revoke_releases(self, vals):
        """Putting a customer on hold or stopping its deliveries ends the releases given before."""
        reasons = []
        if vals.get("credit_hold"):
            reasons.append(self.env._("the customer was put on credit hold"))
        if vals.get("credit_stop_delivery"):
            reasons.append(self.env._("deliveries to the customer were stopped"))
        if reasons:
            self.env["ar.credit.release"]._ar_revoke(
                self.commercial_partner_id, self.env.company, "; ".join(reasons)
            )

    @api.constrains("credit_limit_temp_until")
    def _check_temp_limit_not_expired(self):
        """A temporary limit set today must run until today or later: an expiry in the past grants nothing."""
        for partner in self:
            until = partner.credit_limit_temp_until
            if until and until < partner._ar_bounds_today():
                raise ValidationError(
                    self.env._(
                        "The temporary credit limit of %(partner)s would expire on %(date)s, in the past: "
                        "give an expiry date of today or later.",
                        partner=partner.display_name,
                        date=format_date(self.env, until),
                    )
                )
