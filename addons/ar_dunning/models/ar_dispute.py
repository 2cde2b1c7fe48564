from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..const import GROUP_DUNNING_USER


class ArDispute(models.Model):
    """A customer's dispute of (part of) an invoice; while open, its amount leaves the dunning.

    Other addons read the disputed amounts through ``account.move._ar_disputed_amount_sql``
    (see ``models/account_move.py``), never this model.
    """

    _name = "ar.dispute"
    _description = "Invoice Dispute"
    _inherit = ["ar.server.fields.mixin", "mail.thread", "mail.activity.mixin", "ar.input.bounds.mixin"]
    #: the outcome is the collectors' decision through the actions; customer and company follow the
    #: invoice (related fields: a client's write would change the invoice itself)
    _ar_server_fields = ("state", "date_closed", "name", "partner_id", "company_id")
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        index=True,
        tracking=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
    )
    partner_id = fields.Many2one(
        "res.partner", related="move_id.commercial_partner_id", store=True, index=True, string="Customer"
    )
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount = fields.Monetary(
        string="Disputed Amount",
        tracking=True,
        help="Part of the invoice the customer disputes (invoice currency).",
    )
    reason = fields.Text(required=True, tracking=True)
    owner_id = fields.Many2one("res.users", default=lambda self: self.env.user, tracking=True, required=True)
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved"), ("rejected", "Rejected")],
        default="open",
        required=True,
        tracking=True,
    )
    date = fields.Date(
        string="Opened On", default=lambda self: self.env.company._ar_today(), required=True, tracking=True
    )
    date_closed = fields.Date(string="Closed On", readonly=True, tracking=True)
    resolution = fields.Text(tracking=True)

    @api.depends("move_id.name", "partner_id.name")
    def _compute_name(self):
        for dispute in self:
            dispute.name = self.env._(
                "Dispute on %(invoice)s", invoice=dispute.move_id.name or dispute.move_id.display_name
            )

    @api.onchange("move_id")
    def _onchange_move_id(self):
        if self.move_id and not self.amount:
            self.amount = self.move_id.amount_residual

    @api.constrains("amount", "move_id")
    def _check_amount(self):
        for dispute in self:
            if dispute.amount < 0 or dispute.amount > dispute.move_id.amount_total:
                raise ValidationError(
                    self.env._(
                        "The disputed amount of %(invoice)s must be between 0 and the invoice total.",
                        invoice=dispute.move_id.display_name,
                    )
                )

    def write(self, vals):
        """The invoice of a dispute is fixed when it is raised.

        Its amount left that invoice's dunning and insurance cover; pointing the
        dispute at another invoice afterwards would take that one out instead,
        without the customer ever disputing it.
        """
        if "move_id" in vals and not self._ar_server_writing():
            if any(dispute.move_id.id != vals["move_id"] for dispute in self):
                raise UserError(
                    self.env._(
                        "The invoice of a dispute is fixed when the dispute is raised: "
                        "raise a new dispute for another invoice."
                    )
                )
        return super().write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("amount") and vals.get("move_id"):
                vals["amount"] = self.env["account.move"].browse(vals["move_id"]).amount_residual
        return super().create(vals_list)

    @api.model
    def _ar_responsible_for(self, move):
        """Who follows a customer's dispute of ``move``: the customer's collector in the invoice's
        company, else the invoice's salesperson, else the company's credit review assignee."""
        partner = move.commercial_partner_id.with_company(move.company_id)
        return (
            partner.ar_collector_id
            or move.invoice_user_id
            or move.company_id._ar_credit_review_assignee()
            or self.env.ref("base.user_root")
        )

    def _ar_customer_raised(self):
        """A customer raised the disputes (portal): each owner gets a to-do to answer it.

        Without it the dispute would wait in a list nobody opens, while its amount already left
        the dunning: the customer expects an answer, the company its money.
        """
        for dispute in self:
            dispute.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=dispute.owner_id.id,
                date_deadline=dispute.company_id._ar_today(),
                summary=self.env._(
                    "%(customer)s disputes %(invoice)s",
                    customer=dispute.partner_id.display_name,
                    invoice=dispute.move_id.name,
                ),
                note=dispute.reason,
            )

    def _ar_decide(self, from_states, vals):
        """Move the disputes to ``vals`` (a collector's decision, from ``from_states`` only)."""
        message = self.env._("Only the collections team can resolve, reject or reopen disputes.")
        self._ar_check_group(GROUP_DUNNING_USER, message)
        self.check_access("write")
        self._ar_check_state(*from_states)
        with self._ar_server_write():
            self.write(vals)

    def action_resolve(self):
        """Close the dispute in the customer's favour or by agreement: dunning resumes."""
        self._ar_decide(("open",), {"state": "resolved", "date_closed": self.env.company._ar_today()})

    def action_reject(self):
        """Reject the dispute: the invoice is due as issued and dunning resumes."""
        self._ar_decide(("open",), {"state": "rejected", "date_closed": self.env.company._ar_today()})

    def action_reopen(self):
        """Open the dispute again: its amount leaves the dunning."""
        self._ar_decide(("resolved", "rejected"), {"state": "open", "date_closed": False})
