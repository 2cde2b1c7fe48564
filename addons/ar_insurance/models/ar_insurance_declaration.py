import base64
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_date

from odoo.addons.ar_credit_control.tools.xlsx import currency_format, table_xlsx

from ..tools.insurance_rules import premium, previous_declaration_period


class ArInsuranceDeclaration(models.Model):
    """Periodic declaration of the insured turnover to the insurer, with the premium due."""

    _name = "ar.insurance.declaration"
    _description = "Credit Insurance Turnover Declaration"
    _inherit = ["ar.server.fields.mixin", "mail.thread", "ar.input.bounds.mixin"]
    #: Computed by the server from the books and submitted by the action (see ``ar.server.fields.mixin``).
    _ar_server_fields = ("state", "line_ids", "turnover", "premium", "invoice_count")
    _order = "date_from desc, id desc"

    policy_id = fields.Many2one("ar.insurance.policy", required=True, index=True, tracking=True)
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="policy_id.currency_id", store=True)
    date_from = fields.Date(required=True, tracking=True)
    date_to = fields.Date(required=True, tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("submitted", "Submitted")], default="draft", required=True, tracking=True
    )
    line_ids = fields.One2many("ar.insurance.declaration.line", "declaration_id", string="Lines")
    turnover = fields.Monetary(string="Insured Turnover", compute="_compute_totals", store=True)
    premium = fields.Monetary(string="Premium Due", compute="_compute_totals", store=True)
    invoice_count = fields.Integer(compute="_compute_totals", store=True)

    @api.depends("policy_id.number", "date_from", "date_to")
    def _compute_display_name(self):
        for declaration in self:
            declaration.display_name = self.env._(
                "Declaration %(policy)s %(start)s - %(end)s",
                policy=declaration.policy_id.number or "",
                start=format_date(self.env, declaration.date_from) if declaration.date_from else "",
                end=format_date(self.env, declaration.date_to) if declaration.date_to else "",
            )

    @api.model
    def _default_period(self, policy):
        """The last complete declaration period of ``policy`` before today."""
        return previous_declaration_period(self.env.company._ar_today(), policy.declaration_frequency)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("policy_id") and not (vals.get("date_from") and vals.get("date_to")):
                policy = self.env["ar.insurance.policy"].browse(vals["policy_id"])
                date_from, date_to = self._default_period(policy)
                vals["date_from"] = vals.get("date_from") or date_from
                vals["date_to"] = vals.get("date_to") or date_to
        return super().create(vals_list)

    @api.onchange("policy_id")
    def _onchange_policy_id(self):
        """Propose the policy's last complete declaration period."""
        if self.policy_id:
            self.date_from, self.date_to = self._default_period(self.policy_id)

    @api.depends("line_ids.turnover", "line_ids.premium", "line_ids.invoice_count")
    def _compute_totals(self):
        for declaration in self:
            declaration.turnover = sum(declaration.line_ids.mapped("turnover"))
            declaration.premium = sum(declaration.line_ids.mapped("premium"))
            declaration.invoice_count = sum(declaration.line_ids.mapped("invoice_count"))

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for declaration in self:
            if declaration.date_to < declaration.date_from:
                raise ValidationError(self.env._("A declaration period cannot end before it starts."))

    # ------------------------------------------------------------------
    # Lines
    # ------------------------------------------------------------------

    def _turnover_query(self):
        """Posted customer invoices and credit notes of covered buyers in the period.

        Grouped per buyer, country and invoice date (the date gives the conversion rate)."""
        self.ensure_one()
        policy = self.policy_id
        conditions = [
            SQL("m.company_id = %s", policy.company_id.id),
            SQL("m.state = 'posted'"),
            SQL("m.move_type IN ('out_invoice', 'out_refund')"),
            SQL("m.invoice_date BETWEEN %s AND %s", self.date_from, self.date_to),
            SQL("m.invoice_date BETWEEN %s AND %s", policy.date_start, policy.date_end),
        ]
        if policy.country_ids:
            conditions.append(SQL("p.country_id = ANY(%s)", policy.country_ids.ids))
        return SQL(
            """SELECT m.commercial_partner_id AS partner_id, p.country_id, m.invoice_date,
                      SUM(m.amount_total_signed) AS amount,
                      COUNT(*) FILTER (WHERE m.move_type = 'out_invoice') AS invoice_count
                 FROM account_move m
                 JOIN res_partner p ON p.id = m.commercial_partner_id
                WHERE %s
             GROUP BY m.commercial_partner_id, p.country_id, m.invoice_date""",
            SQL(" AND ").join(conditions),
        )

    def action_compute_lines(self):
        """(Re)compute the lines: insured turnover and premium per buyer and country, in policy currency."""
        self.env.flush_all()
        for declaration in self:
            policy = declaration.policy_id
            convert = self.env["ar.insurance.receivable"]._converter(policy)
            self.env.cr.execute(declaration._turnover_query())
            totals = defaultdict(lambda: [0.0, 0])
            for row in self.env.cr.dictfetchall():
                key = (row["partner_id"], row["country_id"])
                totals[key][0] += convert(float(row["amount"]), row["invoice_date"])
                totals[key][1] += row["invoice_count"]
            commands = [fields.Command.clear()]
            for (partner_id, country_id), (turnover, count) in sorted(totals.items()):
                commands.append(
                    fields.Command.create(
                        {
                            "partner_id": partner_id,
                            "country_id": country_id,
                            "invoice_count": count,
                            "turnover": turnover,
                            "premium": premium(turnover, policy.premium_rate, policy.currency_id.rounding),
                        }
                    )
                )
            with self._ar_server_write("ar.insurance.declaration.line"):
                declaration.line_ids = commands
        return True

    def action_submit(self):
        """Mark the declaration as sent to the insurer."""
        with self._ar_server_write():
            self.write({"state": "submitted"})

    def action_draft(self):
        """Back to draft."""
        with self._ar_server_write():
            self.write({"state": "draft"})

    # ------------------------------------------------------------------
    # XLSX export
    # ------------------------------------------------------------------

    def _xlsx_content(self):
        """The declaration as an XLSX workbook (bytes): the policy, then one row per buyer and a total row."""
        self.ensure_one()
        policy = self.policy_id
        info = [
            (self.env._("Policy"), policy.number),
            (self.env._("Insurer"), policy.insurer_id.name),
            (self.env._("Period"), f"{self.date_from.isoformat()} - {self.date_to.isoformat()}"),
            (self.env._("Currency"), policy.currency_id.name),
        ]
        headers = [
            self.env._("Buyer"),
            self.env._("Buyer VAT"),
            self.env._("Country"),
            self.env._("Invoices"),
            self.env._("Turnover"),
            self.env._("Premium"),
        ]
        rows = (
            (
                line.partner_id.name,
                line.partner_id.vat or "",
                line.country_id.code or "",
                line.invoice_count,
                line.turnover,
                line.premium,
            )
            for line in self.line_ids
        )
        return table_xlsx(
            self.env._("Declaration"),
            headers,
            rows,
            amount_columns=[4, 5],
            number_format=currency_format(policy.currency_id.decimal_places),
            total_label=self.env._("Total"),
            info=info,
            count_columns=[3],
        )

    def action_export_xlsx(self):
        """Export the declaration to XLSX, kept as an attachment of the declaration, and download it."""
        self.ensure_one()
        period = f"{self.date_from.isoformat()}_{self.date_to.isoformat()}"
        name = f"declaration_{self.policy_id.number}_{period}.xlsx"
        # read access to the declaration is enough to export it (attachments require write access)
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name.replace("/", "-"),
                    "datas": base64.b64encode(self._xlsx_content()),
                    "res_model": self._name,
                    "res_id": self.id,
                    "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                }
            )
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
