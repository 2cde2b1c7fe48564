from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..const import GROUP_ACCOUNT_MANAGER
from ..tools.aging_sql import customer_buckets_sql
from ..tools.provision_rules import (
    arithmetic_text,
    entry_sides,
    format_amount,
    line_provision,
    provision_difference,
)
from ..tools.xlsx import currency_format, table_xlsx


class ArProvisionRun(models.Model):
    """Expected credit loss provision of a company as of a date, and its adjusting journal entry."""

    _name = "ar.provision.run"
    _description = "Provision Run"
    _inherit = ["ar.server.fields.mixin", "mail.thread", "ar.input.bounds.mixin"]
    _check_company_auto = True
    _order = "date desc, id desc"
    #: Computed and posted by the run's actions only (see ``ar.server.fields.mixin``).
    _ar_server_fields = (
        "name",
        "state",
        "line_ids",
        "total_amount",
        "total_provision",
        "previous_run_id",
        "previous_provision",
        "difference",
        "move_id",
        "reversal_move_id",
    )

    name = fields.Char(compute="_compute_name", store=True)
    date = fields.Date(
        string="As Of", required=True, default=lambda self: self.env.company._ar_today(), tracking=True
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    matrix_id = fields.Many2one(
        "ar.provision.matrix",
        string="Provision Matrix",
        required=True,
        check_company=True,
        default=lambda self: self.env["ar.provision.matrix"]._active_for(self.env.company),
        domain="[('company_id', '=', company_id)]",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("computed", "Computed"), ("posted", "Posted"), ("reversed", "Reversed")],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
    )
    line_ids = fields.One2many("ar.provision.line", "run_id", string="Lines", readonly=True, copy=False)
    total_amount = fields.Monetary(string="Open Receivables", readonly=True, copy=False)
    total_provision = fields.Monetary(string="Provision", readonly=True, copy=False, tracking=True)
    previous_run_id = fields.Many2one(
        "ar.provision.run", string="Previous Posted Run", readonly=True, copy=False, check_company=True
    )
    previous_provision = fields.Monetary(string="Previously Posted", readonly=True, copy=False)
    difference = fields.Monetary(
        string="Difference to Post",
        readonly=True,
        copy=False,
        help="New provision minus the last posted (not reversed) one: a positive difference is an expense, "
        "a negative one releases allowance.",
    )
    move_id = fields.Many2one(
        "account.move", string="Journal Entry", readonly=True, copy=False, check_company=True
    )
    reversal_move_id = fields.Many2one(
        "account.move", string="Reversal Entry", readonly=True, copy=False, check_company=True
    )

    @api.depends("date", "company_id")
    def _compute_name(self):
        for run in self:
            run.name = self.env._(
                "Provision %(company)s %(date)s",
                company=run.company_id.name or "",
                date=fields.Date.to_string(run.date) or "",
            )

    def _last_posted(self):
        """The company's last posted (not reversed) run other than this one."""
        self.ensure_one()
        return self.search(
            [("company_id", "=", self.company_id.id), ("state", "=", "posted"), ("id", "!=", self.id)],
            order="date desc, id desc",
            limit=1,
        )

    def _set_difference(self):
        """Store the previous posted run and the difference from it."""
        self.ensure_one()
        previous = self._last_posted()
        with self._ar_server_write():
            self._write_difference(previous)

    def _write_difference(self, previous):
        self.write(
            {
                "previous_run_id": previous.id,
                "previous_provision": previous.total_provision,
                "difference": provision_difference(
                    self.total_provision, previous.total_provision, self.currency_id.rounding
                ),
            }
        )

    def _line_values(self):
        """Values of the lines: open amount per customer and bucket as of the date (SQL), rate, provision."""
        self.ensure_one()
        matrix, currency = self.matrix_id, self.currency_id
        buckets = matrix._aging_buckets()
        ordered = matrix._ordered_lines()
        self.env.flush_all()
        self.env.cr.execute(customer_buckets_sql(self.company_id.id, self.date, buckets))
        values = []
        for partner_id, _name, bucket, amount in self.env.cr.fetchall():
            amount = currency.round(float(amount))
            bucket_line = ordered[bucket]
            provision = line_provision(amount, bucket_line.rate, currency.rounding)
            values.append(
                {
                    "run_id": self.id,
                    "partner_id": partner_id,
                    "matrix_line_id": bucket_line.id,
                    "bucket_index": bucket,
                    "bucket": bucket_line.name,
                    "amount": amount,
                    "rate": bucket_line.rate,
                    "provision": provision,
                    "arithmetic": arithmetic_text(
                        amount, bucket_line.rate, provision, currency.decimal_places
                    ),
                }
            )
        return values

    def action_compute(self):
        """(Re)compute the lines from the aging as of the date and the matrix's rates."""
        for run in self:
            if run.state not in ("draft", "computed"):
                raise UserError(self.env._("Only draft or computed provision runs can be computed."))
            if run.matrix_id.company_id != run.company_id:
                raise UserError(self.env._("The provision matrix belongs to another company."))
            with self._ar_server_write("ar.provision.line"):
                run._compute_lines()
        return True

    def _compute_lines(self):
        """Replace the lines and totals of the run (server write, checks done by the caller)."""
        for run in self:
            run.line_ids.unlink()
            self.env["ar.provision.line"].create(run._line_values())
            totals = self.env["ar.provision.line"]._read_group(
                [("run_id", "=", run.id)], aggregates=["amount:sum", "provision:sum"]
            )[0]
            run.write(
                {
                    "state": "computed",
                    "total_amount": totals[0] or 0.0,
                    "total_provision": run.currency_id.round(totals[1] or 0.0),
                }
            )
            run._set_difference()

    def _lock_company(self):
        """Serialise the postings and reversals of a company.

        A no-op update of the company row: a concurrent posting or reversal of
        the same company waits, then fails with a serialisation error (and its
        request is retried), so two runs are never posted against the same
        previous provision.
        """
        self.env.cr.execute(
            SQL("UPDATE res_company SET write_date = write_date WHERE id = %s", self.company_id.id)
        )

    def _check_accountant(self):
        """Only accounting managers approve provision entries."""
        self._ar_check_group(
            GROUP_ACCOUNT_MANAGER,
            self.env._("Only accounting managers can post or reverse provision entries."),
        )

    def _check_accounts(self):
        """The company's allowance and bad-debt accounts and provision journal; UserError when missing."""
        company = self.company_id
        if not (
            company.ar_allowance_account_id
            and company.ar_bad_debt_account_id
            and company.ar_provision_journal_id
        ):
            raise UserError(
                self.env._(
                    "Set the allowance account, the bad-debt expense account and the provision journal of "
                    "%(company)s in the settings (Provisions and Write-offs) before posting provisions.",
                    company=company.name,
                )
            )

    def _move_values(self):
        """Values of the adjusting entry of the difference (expense against allowance, or back)."""
        company = self.company_id
        accounts = {"expense": company.ar_bad_debt_account_id, "allowance": company.ar_allowance_account_id}
        debit, credit = entry_sides(self.difference)
        amount = abs(self.difference)
        label = self.env._(
            "Expected credit loss provision as of %(date)s", date=fields.Date.to_string(self.date)
        )
        return {
            "move_type": "entry",
            "journal_id": company.ar_provision_journal_id.id,
            "company_id": company.id,
            "date": self.date,
            "ref": self.name,
            "line_ids": [
                fields.Command.create({"name": label, "account_id": accounts[debit].id, "debit": amount}),
                fields.Command.create({"name": label, "account_id": accounts[credit].id, "credit": amount}),
            ],
        }

    def action_post(self):
        """Accountant's approval: post the difference from the last posted provision (nothing when zero)."""
        self._check_accountant()
        for run in self:
            if run.state != "computed":
                raise UserError(self.env._("Compute the provision run before posting it."))
            run._check_accounts()
            run._lock_company()
            previous = run._last_posted()
            if previous.date and previous.date > run.date:
                raise UserError(
                    self.env._(
                        "A provision as of %(date)s is already posted; post runs in date order.",
                        date=fields.Date.to_string(previous.date),
                    )
                )
            run._set_difference()
            values = {"state": "posted"}
            if run.difference:
                move = self.env["account.move"].create(run._move_values())
                move.action_post()
                values["move_id"] = move.id
            with self._ar_server_write():
                run.write(values)
            run._post_message()
        return True

    def _post_message(self):
        """Chatter note of the posting: previous provision, new one, difference and entry."""
        decimals = self.currency_id.decimal_places
        figures = {
            "previous": format_amount(self.previous_provision, decimals),
            "total": format_amount(self.total_provision, decimals),
            "difference": format_amount(self.difference, decimals),
        }
        if self.move_id:
            body = self.env._(
                "Provision %(total)s posted against %(previous)s previously: "
                "entry %(move)s of %(difference)s.",
                move=self.move_id.name,
                **figures,
            )
        else:
            body = self.env._(
                "Provision %(total)s equals the %(previous)s previously posted: no entry needed.", **figures
            )
        self.message_post(body=body)

    def action_reverse(self):
        """Reverse the provision entry (Odoo's reversal) and mark the run reversed."""
        self._check_accountant()
        for run in self:
            if run.state != "posted":
                raise UserError(self.env._("Only posted provision runs can be reversed."))
            run._lock_company()
            later = run._last_posted()
            if later and (later.date, later.id) > (run.date, run.id):
                raise UserError(self.env._("Reverse the later provision runs of the company first."))
            values = {"state": "reversed"}
            if run.move_id:
                values["reversal_move_id"] = run.move_id._reverse_moves(
                    [{"date": run.date, "ref": self.env._("Reversal of %(name)s", name=run.name)}],
                    cancel=True,
                ).id
            with self._ar_server_write():
                run.write(values)
            run.message_post(body=self.env._("Provision entry reversed."))
        return True

    def write(self, vals):
        """The date, company and matrix of a computed run change only back in draft."""
        if {"date", "company_id", "matrix_id"} & set(vals) and any(run.state != "draft" for run in self):
            raise UserError(
                self.env._("Reset the provision run to draft before changing its date or matrix.")
            )
        return super().write(vals)

    def action_reset_draft(self):
        """Back to draft from computed: the lines are dropped."""
        for run in self:
            if run.state != "computed":
                raise UserError(self.env._("Only computed provision runs can be reset to draft."))
            with self._ar_server_write("ar.provision.line"):
                run.line_ids.unlink()
                run.write({"state": "draft", "total_amount": 0.0, "total_provision": 0.0, "difference": 0.0})
        return True

    def unlink(self):
        """Posted and reversed runs are kept for the audit trail."""
        if any(run.state in ("posted", "reversed") for run in self):
            raise UserError(self.env._("Posted or reversed provision runs cannot be deleted."))
        return super().unlink()

    def _xlsx_content(self):
        """Bytes of the workbook of the run: one row per customer and bucket with the arithmetic."""
        self.ensure_one()
        currency = self.currency_id
        decimals = currency.decimal_places
        headers = [
            self.env._("Customer"),
            self.env._("Bucket"),
            self.env._("Open Amount"),
            self.env._("Rate (%)"),
            self.env._("Provision"),
            self.env._("Computation"),
        ]
        rows = (
            (line.partner_id.name, line.bucket, line.amount, line.rate, line.provision, line.arithmetic)
            for line in self.line_ids.sorted(lambda line: (line.partner_id.name or "", line.bucket_index))
        )
        title = self.env._(
            "%(name)s (%(currency)s), matrix %(matrix)s: provision %(total)s, "
            "previously posted %(previous)s, difference %(difference)s",
            name=self.name,
            currency=currency.name,
            matrix=self.matrix_id.name,
            total=format_amount(self.total_provision, decimals),
            previous=format_amount(self.previous_provision, decimals),
            difference=format_amount(self.difference, decimals),
        )
        return table_xlsx(
            self.env._("Provision"),
            headers,
            rows,
            amount_columns=(2, 4),
            number_format=currency_format(decimals),
            total_label=self.env._("Total"),
            title=title,
        )

    def action_export_xlsx(self):
        """Download the run's lines and their arithmetic as an XLSX workbook."""
        self.ensure_one()
        filename = f"provision_{fields.Date.to_string(self.date)}.xlsx"
        return self.env["ar.aging.report.wizard"]._download_action(
            filename, self._xlsx_content(), record=self
        )

    def action_open_lines(self):
        """The run's lines as pivot (customers by bucket), graph and list."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("ar_credit_control.ar_provision_line_action")
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {"pivot_row_groupby": ["partner_id"], "pivot_column_groupby": ["matrix_line_id"]}
        return action
