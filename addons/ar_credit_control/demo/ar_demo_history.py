"""Two years of payment history for the demo customers (demo data only, as Odoo's ``account/demo``).

The demo's open invoices show today's receivables; analytic screens also need
the past: invoices paid early, on time and late, partial payments and credit
notes, so payment behaviour, days late, CEI, the behavioural score, payment
risk and the provision matrix show figures at first login. Every invoice made
here is settled before the demo's date, so the open items (exposure, aging,
dunning) stay those of the demo's XML records.
"""

import random
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, models

#: Demo customers with a history, and how each pays: (days after the due date, lowest and
#: highest; share paid in a first partial payment, or 1 for one payment).
PROFILES = {
    "demo_customer_01": ((-8, 0), 1.0),  # pays early
    "demo_customer_02": ((-3, 3), 1.0),  # on time
    "demo_customer_03": ((0, 6), 1.0),
    "demo_customer_04": ((-5, 2), 1.0),
    "demo_customer_05": ((5, 20), 1.0),  # a little late
    "demo_customer_06": ((8, 25), 0.5),  # late, in two payments
    "demo_customer_07": ((3, 15), 1.0),
    "demo_customer_10": ((20, 45), 1.0),  # late
    "demo_customer_11": ((25, 60), 0.6),
    "demo_customer_12": ((15, 40), 1.0),
    "demo_customer_15": ((40, 90), 0.4),  # very late, in parts
    "demo_customer_16": ((35, 80), 1.0),
}
MONTHS = 24
#: The last history invoice is this many days old: the recent months belong to the demo's open invoices.
RECENT_DAYS = 100
TERM_DAYS = 30
#: One invoice in this many gets a credit note of a tenth of it.
CREDIT_NOTE_EVERY = 7


class ArDemoHistory(models.AbstractModel):
    _name = "ar.demo.history"
    _description = "Demo payment history"

    @api.model
    def _ar_payment_profiles(self):
        """``PROFILES``: how each demo customer pays, for the demo of the addons depending on this one."""
        return PROFILES

    @api.model
    def _ar_generate(self):
        """Invoice each demo customer monthly for two years and settle each invoice per its profile.

        Made in batches (one create and one post for all invoices, credit notes and payments),
        invoices in date order so their numbers follow their dates.
        """
        company = self.env.ref("base.main_company")
        today = company._ar_today()
        rng = random.Random(2024)  # the same history on every install
        plan = []
        for xmlid, profile in PROFILES.items():
            customer = self.env.ref(f"ar_credit_control.{xmlid}", raise_if_not_found=False)
            for month in range(MONTHS, 0, -1) if customer else ():
                invoice_date = today - relativedelta(months=month) + timedelta(days=rng.randint(0, 20))
                if invoice_date <= today - timedelta(days=RECENT_DAYS):
                    plan.append((invoice_date, month, customer, profile, rng.randrange(2000, 30000, 50)))
        plan.sort(key=lambda item: (item[0], item[2].id))
        invoices = self._ar_invoices(company, plan)
        credited = [
            (inv, item) for inv, item in zip(invoices, plan, strict=True) if item[1] % CREDIT_NOTE_EVERY == 0
        ]
        self._ar_credit_notes([inv for inv, _item in credited])
        self._ar_payments(company, invoices, plan, today, rng)

    def _ar_invoices(self, company, plan):
        moves = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "partner_id": customer.id,
                    "invoice_user_id": customer.user_id.id,
                    "invoice_date": invoice_date,
                    "invoice_payment_term_id": False,
                    "invoice_date_due": invoice_date + timedelta(days=TERM_DAYS),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Goods and services", "quantity": 1, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
                for invoice_date, _month, customer, _profile, amount in plan
            ]
        )
        moves.action_post()
        return moves

    def _ar_credit_notes(self, invoices):
        """A tenth of each invoice credited ten days later (damaged goods); matched with it when posted."""
        refunds = self.env["account.move"].create(
            [
                {
                    "move_type": "out_refund",
                    "company_id": invoice.company_id.id,
                    "partner_id": invoice.partner_id.id,
                    "invoice_date": invoice.invoice_date + timedelta(days=10),
                    "reversed_entry_id": invoice.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Credit for damaged goods",
                                "quantity": 1,
                                "price_unit": invoice.currency_id.round(invoice.amount_total / 10),
                                "tax_ids": [],
                            }
                        )
                    ],
                }
                for invoice in invoices
            ]
        )
        refunds.action_post()
        for invoice, refund in zip(invoices, refunds, strict=True):
            lines = (invoice.line_ids | refund.line_ids).filtered(
                lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
            )
            if len(lines.move_id) == 2:  # not matched when the refund was posted
                lines.reconcile()

    def _ar_payments(self, company, invoices, plan, today, rng):
        """Pay each invoice as its customer does: early, on time or late, at once or in two parts."""
        bank = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
        )
        payments = []
        for invoice, (_date, _month, _customer, profile, _amount) in zip(invoices, plan, strict=True):
            (early, late), first_share = profile
            due = invoice.invoice_date_due
            paid_on = min(due + timedelta(days=rng.randint(early, late)), today - timedelta(days=1))
            residual = invoice.amount_residual
            if first_share < 1:
                first = invoice.currency_id.round(residual * first_share)
                payments.append((invoice, paid_on - timedelta(days=rng.randint(10, 30)), first))
                residual -= first
            payments.append((invoice, paid_on, residual))
        records = self.env["account.payment"].create(
            [
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": invoice.commercial_partner_id.id,
                    "amount": amount,
                    "date": max(date, invoice.invoice_date),
                    "journal_id": bank.id,
                    "memo": invoice.name,
                }
                for invoice, date, amount in payments
            ]
        )
        records.action_post()
        for (invoice, _date, _amount), payment in zip(payments, records, strict=True):
            lines = (invoice.line_ids | payment.move_id.line_ids).filtered(
                lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
            )
            lines.reconcile()
