from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL, split_every

from odoo.addons.ar_credit_control.tools import receivables
from odoo.addons.ar_credit_control.tools.access import check_group

from ..const import GROUP_INSURANCE_MANAGER
from ..tools.insurance_rules import allocate_cover, insured_amount, net_open_amounts

#: Buyers computed per query.
BUYER_BATCH = 500


class ArInsuranceReceivable(models.Model):
    """Insured receivable: the open amount of one customer invoice under a policy and its cover.

    Rebuilt per policy by ``_refresh`` (daily cron, *Refresh* buttons): the
    open amounts are read in SQL per batch of buyers, then each buyer's cover
    is shared among its invoices by the pure rules of ``insurance_rules``.
    """

    _name = "ar.insurance.receivable"
    _description = "Insured Receivable"
    _order = "policy_id, partner_id, due_date, invoice_date, id"
    _rec_name = "move_id"
    _check_company_auto = True

    policy_id = fields.Many2one(
        "ar.insurance.policy", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True, help="The policy currency.")
    partner_id = fields.Many2one("res.partner", string="Buyer", required=True, index=True, check_company=True)
    country_id = fields.Many2one("res.country")
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, index=True, ondelete="cascade", check_company=True
    )
    invoice_date = fields.Date()
    due_date = fields.Date(index=True, help="Due date of the invoice's oldest open instalment.")
    open_amount = fields.Monetary(help="Still owed, in policy currency, net of credit notes and disputes.")
    overdue_amount = fields.Monetary(
        string="Overdue",
        help="Part of the open amount that is overdue (its overdue instalments), in policy currency.",
    )
    disputed_amount = fields.Monetary(help="Part of the invoice in an open dispute: not insured.")
    covered_amount = fields.Monetary(
        help="Part of the open amount within the buyer's cover, oldest invoices first."
    )
    insured_amount = fields.Monetary(help="Covered amount x indemnity %.")
    uninsured_amount = fields.Monetary(help="Open amount - insured amount.")
    cover_lost = fields.Boolean(help="Notification deadline missed: the invoice is no longer insured.")
    days_overdue = fields.Integer(compute="_compute_days_overdue")
    date_computed = fields.Date(string="Computed On")

    @api.depends("due_date")
    @api.depends_context("date")
    def _compute_days_overdue(self):
        today = self.env.company._ar_today()
        for line in self:
            line.days_overdue = (
                max(0, receivables.days_past_due(line.due_date, today)) if line.due_date else 0
            )

    # ------------------------------------------------------------------
    # Refresh
    # ------------------------------------------------------------------

    @api.model
    def _refresh(self, policies, partner_ids=None):
        """Recompute the insured receivables of ``policies`` (only of ``partner_ids`` when given)."""
        today = self.env.company._ar_today()
        self.env.flush_all()
        for policy in policies.sudo():
            buyers = self._covered_buyers(policy, partner_ids)
            domain = [("policy_id", "=", policy.id)]
            if partner_ids is not None:
                domain.append(("partner_id", "in", list(partner_ids)))
            self.sudo().search(domain).unlink()
            if policy.state != "active":
                continue
            for batch in split_every(BUYER_BATCH, buyers, list):
                self.sudo().create(self._lines_for_buyers(policy, batch, today))

    @api.model
    def _scope_sql(self, policy, partner_ids=None):
        """WHERE clause of the posted customer invoices and credit notes a policy covers."""
        conditions = [
            SQL("m.company_id = %s", policy.company_id.id),
            SQL("m.state = 'posted'"),
            SQL("m.move_type IN ('out_invoice', 'out_refund')"),
            SQL("m.invoice_date BETWEEN %s AND %s", policy.date_start, policy.date_end),
        ]
        if policy.country_ids:
            conditions.append(SQL("p.country_id = ANY(%s)", policy.country_ids.ids))
        if partner_ids is not None:
            conditions.append(SQL("m.commercial_partner_id = ANY(%s)", list(partner_ids)))
        return SQL(" AND ").join(conditions)

    @api.model
    def _covered_buyers(self, policy, partner_ids=None):
        """Ids of the buyers with open covered documents."""
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT m.commercial_partner_id
                     FROM account_move m
                     JOIN res_partner p ON p.id = m.commercial_partner_id
                    WHERE %s AND m.amount_residual_signed != 0
                 ORDER BY 1""",
                self._scope_sql(policy, partner_ids),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _open_documents(self, policy, partner_ids, today=None):
        """Open documents of the buyers, oldest first: dicts with amounts in company currency.

        From their open items (``receivables``): ``residual`` (open amount),
        ``overdue`` (open amount of the overdue instalments on ``today``, the
        company's date by default) and ``due_date`` (the oldest open
        instalment's own due date; a credit note's own).
        """
        today = today or policy.company_id._ar_today()
        self.env.cr.execute(
            SQL(
                """WITH items AS (
                        SELECT items.move_id, SUM(items.residual) AS residual,
                               COALESCE(SUM(items.residual) FILTER (WHERE %(overdue)s), 0) AS overdue,
                               COALESCE(MIN(items.date_maturity) FILTER (WHERE items.residual > 0),
                                        MIN(items.date_maturity)) AS due_date
                          FROM (%(items)s) items
                      GROUP BY items.move_id)
                   SELECT m.id, m.commercial_partner_id AS partner_id, p.country_id, m.move_type,
                          m.invoice_date, items.due_date, items.residual, items.overdue
                     FROM account_move m
                     JOIN items ON items.move_id = m.id
                     JOIN res_partner p ON p.id = m.commercial_partner_id
                    WHERE %(scope)s AND items.residual != 0
                 ORDER BY m.commercial_partner_id, items.due_date, m.invoice_date, m.id""",
                overdue=receivables.overdue_sql("items"),
                items=receivables.open_items_sql(
                    policy.company_id.id, today, as_of=False, partner_ids=list(partner_ids)
                ),
                scope=self._scope_sql(policy, partner_ids),
            )
        )
        return self.env.cr.dictfetchall()

    @api.model
    def _lost_move_ids(self, policy, partner_ids):
        """Invoices whose notification deadline was missed (cover lost)."""
        self.env.cr.execute(
            SQL(
                """SELECT rel.move_id
                     FROM ar_insurance_notification_move_rel rel
                     JOIN ar_insurance_notification n ON n.id = rel.notification_id
                    WHERE n.policy_id = %s AND n.state = 'lost' AND n.partner_id = ANY(%s)""",
                policy.id,
                list(partner_ids),
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    @api.model
    def _get_disputed_amounts(self, move_ids):
        """Invoice id -> amount of its open disputes, in company currency.

        Read through ``account.move._ar_disputed_amounts``, the hook of
        ar_credit_control that the addon recording disputes (ar_dunning)
        overrides: insurance neither knows which addon that is nor reads its
        tables, and only the disputed part leaves the cover.
        """
        return self.env["account.move"].sudo()._ar_disputed_amounts(move_ids)

    @api.model
    def _lines_for_buyers(self, policy, partner_ids, today):
        """Values of the insured receivables of a batch of buyers."""
        documents = self._open_documents(policy, partner_ids, today)
        lost = self._lost_move_ids(policy, partner_ids)
        disputed = self._get_disputed_amounts(
            [doc["id"] for doc in documents if doc["move_type"] == "out_invoice"]
        )
        covers = policy._buyer_covers(partner_ids, today)
        converter = self._converter(policy)
        by_buyer = defaultdict(list)
        for doc in documents:
            # never more than the invoice still owes: a dispute of a paid part uninsures nothing else
            part = max(0.0, min(disputed.get(doc["id"], 0.0), float(doc["residual"])))
            doc["disputed"] = converter(part, doc["invoice_date"])
            doc["open"] = converter(float(doc["residual"]), doc["invoice_date"]) - doc["disputed"]
            doc["overdue"] = converter(float(doc["overdue"]), doc["invoice_date"])
            by_buyer[doc["partner_id"]].append(doc)
        vals_list = []
        for partner_id, docs in by_buyer.items():
            vals_list += self._buyer_lines(policy, docs, covers[partner_id][0], lost, today)
        return vals_list

    @api.model
    def _buyer_lines(self, policy, docs, cover, lost, today):
        """Values of one buyer's lines: credits netted, cover shared oldest first, lost invoices at 0."""
        opens = net_open_amounts([doc["open"] for doc in docs])
        eligible = [amount if doc["id"] not in lost else 0.0 for doc, amount in zip(docs, opens, strict=True)]
        covered = allocate_cover(cover, eligible)
        vals_list = []
        for doc, open_amount, covered_amount in zip(docs, opens, covered, strict=True):
            if doc["move_type"] != "out_invoice":
                continue
            insured = policy.currency_id.round(insured_amount(covered_amount, policy.indemnity_percent))
            vals_list.append(
                {
                    "policy_id": policy.id,
                    "company_id": policy.company_id.id,
                    "currency_id": policy.currency_id.id,
                    "partner_id": doc["partner_id"],
                    "country_id": doc["country_id"],
                    "move_id": doc["id"],
                    "invoice_date": doc["invoice_date"],
                    "due_date": doc["due_date"],
                    "open_amount": open_amount,
                    "overdue_amount": max(0.0, min(doc["overdue"], open_amount)),
                    "disputed_amount": doc["disputed"],
                    "covered_amount": covered_amount,
                    "insured_amount": insured,
                    "uninsured_amount": open_amount - insured,
                    "cover_lost": doc["id"] in lost,
                    "date_computed": today,
                }
            )
        return vals_list

    @api.model
    def _converter(self, policy):
        """Function converting company-currency amounts to the policy currency at a date (rates cached)."""
        company = policy.company_id
        source, target = company.currency_id, policy.currency_id
        rates = {}

        def convert(amount, on_date):
            if source == target or not amount:
                return target.round(amount)
            if on_date not in rates:
                rates[on_date] = source._get_conversion_rate(source, target, company, on_date)
            return target.round(amount * rates[on_date])

        return convert

    def action_refresh(self):
        """Recompute the insured receivables of all active policies of the current companies.

        An insurance manager's: the refresh deletes and recreates the lines in sudo.
        """
        check_group(self.env, GROUP_INSURANCE_MANAGER)
        # searched as the user: the company rules keep it to the policies of its companies
        policies = self.env["ar.insurance.policy"].search([("state", "=", "active")])
        self._refresh(policies)
        return {"type": "ir.actions.client", "tag": "reload"}
