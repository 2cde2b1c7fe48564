"""Two years of collections history for the demo (demo data only, as Odoo's ``account/demo``).

``ar_credit_control``'s demo history (``demo/ar_demo_history.py``) pays two years
of invoices early, on time and late. Collections add what happened meanwhile:
promises to pay that the good payers kept and the late payers broke, and
disputes resolved or rejected, so the promise and dispute screens show a past
at first login.

A promise is recorded as a collector records one, on an invoice still open,
dated ahead; time then passes (its dates are moved back, here only) and the
server's own daily check (``ar.payment.promise._check``) decides it on the day
after its date: broken when the invoice was still unpaid (and escalated, as
the check does), kept when the payment had come. The invoices' payments are
taken off for the promise and matched again afterwards, so every history
invoice is settled as before and today's open items (exposure, aging,
dunning) stay those of the demo's XML records.
"""

import random
from datetime import timedelta

from odoo import Command, api, models
from odoo.tools import SQL

PROMISES_PER_CUSTOMER = 2
#: Late payers (paid this many days after the due date at least) break their promises: the promise is
#: on an invoice paid that late. Customers paying on time or a little late keep theirs.
BROKEN_MIN_DAYS_LATE = 15
KEPT_MAX_DAYS_LATE = 20


class ArDunningDemoHistory(models.AbstractModel):
    _name = "ar.dunning.demo.history"
    _description = "Demo collections history"

    @api.model
    def _ar_generate(self):
        """Kept and broken promises to pay, and closed disputes, on the demo's paid invoices."""
        quiet = self.with_context(tracking_disable=True, mail_notrack=True)
        company = self.env.ref("base.main_company")
        rng = random.Random(2025)  # the same history on every install
        history = quiet._ar_history_invoices(company)
        # customers paying in one payment, by their profile of days late (lowest, highest)
        profiles = {
            xmlid: days
            for xmlid, (days, first_share) in self.env["ar.demo.history"]._ar_payment_profiles().items()
            if first_share == 1
        }
        keepers = [
            xmlid for xmlid, (early, late) in profiles.items() if 0 <= early and late <= KEPT_MAX_DAYS_LATE
        ]
        breakers = [xmlid for xmlid, (early, _late) in profiles.items() if early >= BROKEN_MIN_DAYS_LATE]
        kept = quiet._ar_pick(history, keepers, rng, lambda inv, paid_on: True)
        broken = quiet._ar_pick(
            history,
            breakers,
            rng,
            lambda inv, paid_on: (paid_on - inv.invoice_date_due).days >= BROKEN_MIN_DAYS_LATE,
        )
        if kept or broken:
            quiet._ar_promises(company, kept, broken, rng)
        quiet._ar_disputes(history)

    def _ar_history_invoices(self, company):
        """``{customer: [(invoice, paid on, payments)]}``: the settled invoices, oldest first."""
        moves = self.env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("paid", "in_payment")),
            ],
            order="invoice_date, id",
        )
        history = {}
        for move in moves:
            payments = self._ar_payment_partials(move)
            if payments:
                history.setdefault(move.partner_id, []).append(
                    (move, max(payments.mapped("max_date")), len(payments))
                )
        return history

    @api.model
    def _ar_payment_partials(self, invoice):
        """The matches of ``invoice`` with payments (not with its credit notes)."""
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        return receivable.matched_credit_ids.filtered(lambda p: p.credit_move_id.move_id.move_type == "entry")

    def _ar_pick(self, history, xmlids, rng, fits):
        """``[(invoice, paid on)]``: ``PROMISES_PER_CUSTOMER`` invoices of each customer of ``xmlids``
        paid in one payment (besides a credit note) that ``fits``."""
        picked = []
        for xmlid in xmlids:
            customer = self.env.ref(f"ar_credit_control.{xmlid}", raise_if_not_found=False)
            candidates = [
                (invoice, paid_on)
                for invoice, paid_on, payments in history.get(customer, [])
                if payments == 1 and fits(invoice, paid_on)
            ]
            chosen = rng.sample(candidates, min(PROMISES_PER_CUSTOMER, len(candidates)))
            picked += sorted(chosen, key=lambda item: item[0].invoice_date)
        return picked

    def _ar_promises(self, company, kept, broken, rng):
        """Promises made on open invoices, decided by the server's check as time passed."""
        # (invoice, paid on, made on, promised date) of each promise
        plan = []
        for invoice, paid_on in kept:
            made = max(invoice.invoice_date, paid_on - timedelta(days=rng.randint(5, 12)))
            plan.append((invoice, paid_on, made, paid_on + timedelta(days=rng.randint(0, 4))))
        for invoice, paid_on in broken:
            made = invoice.invoice_date_due + timedelta(days=rng.randint(1, 4))
            promised = made + timedelta(days=rng.randint(3, 7))
            plan.append((invoice, paid_on, made, min(promised, paid_on - timedelta(days=2))))
        # the invoices open again while promised: their payments come later
        payment_lines = {}
        for invoice, *_dates in plan:
            partials = self._ar_payment_partials(invoice)
            payment_lines[invoice] = partials.credit_move_id
            partials.unlink()
        today = company._ar_today()
        promises = self.env["ar.payment.promise"].create(
            [
                {
                    "partner_id": invoice.partner_id.id,
                    "company_id": company.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "amount": invoice.amount_residual,
                    "date": today + timedelta(days=1),
                    "note": "Promised on the phone to the collector.",
                }
                for invoice, *_dates in plan
            ]
        )
        self._ar_let_time_pass(promises, plan)
        broken_promises = promises[len(kept) :]
        for promise in broken_promises:  # the day after the date, still unpaid
            promise._check(promise.date + timedelta(days=1))
        for invoice, lines in payment_lines.items():  # the customers pay
            receivable = invoice.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
            )
            (receivable | lines).reconcile()
        for promise in promises[: len(kept)]:  # the day after the date, paid
            promise._check(promise.date + timedelta(days=1))
        self._ar_sent_back_then(broken_promises)

    def _ar_let_time_pass(self, promises, plan):
        """The promises were made and dated in the past (the demo's history only)."""
        self.env.flush_all()
        for promise, (_invoice, _paid_on, made, promised) in zip(promises, plan, strict=True):
            self.env.cr.execute(
                SQL(
                    "UPDATE ar_payment_promise SET date = %s, create_date = %s, write_date = %s"
                    " WHERE id = %s",
                    promised,
                    made,
                    made,
                    promise.id,
                )
            )
        promises.invalidate_recordset(["date", "create_date", "write_date"])

    def _ar_sent_back_then(self, promises):
        """The reminders the broken promises escalated to were sent on their day, long ago."""
        comms = self.env["ar.dunning.communication"].search(
            [("move_ids", "in", promises.move_ids.ids), ("state", "=", "sent")]
        )
        comms.mail_id.sudo().write({"state": "sent"})
        self.env.flush_all()
        self.env.cr.execute(
            SQL("UPDATE ar_dunning_communication SET sent_date = date WHERE id = ANY(%s)", comms.ids)
        )
        comms.invalidate_recordset(["sent_date"])

    def _ar_disputes(self, history):
        """Two disputes decided long ago: one resolved by a credit note, one rejected."""
        credited = self._ar_first(history, "demo_customer_06", lambda inv: bool(inv.reversal_move_ids))
        late = self._ar_first(history, "demo_customer_15", lambda inv: not inv.reversal_move_ids)
        disputes = []
        if credited:
            refund = credited.reversal_move_ids[:1]
            disputes.append(
                (
                    credited,
                    refund.amount_total,
                    "Two pallets arrived damaged; the customer holds back their price.",
                    credited.invoice_date + timedelta(days=3),
                    refund.invoice_date,
                    "action_resolve",
                    "Credit note issued for the damaged goods.",
                )
            )
        if late:
            disputes.append(
                (
                    late,
                    late.amount_total,
                    "The customer says the goods were delivered a week late and refuses to pay.",
                    late.invoice_date_due + timedelta(days=5),
                    late.invoice_date_due + timedelta(days=19),
                    "action_reject",
                    "The delivery notes show delivery on the agreed date: the invoice is due.",
                )
            )
        if not disputes:
            return
        records = self.env["ar.dispute"].create(
            [
                {
                    "move_id": invoice.id,
                    "amount": amount,
                    "reason": reason,
                    "date": opened,
                    "owner_id": self.env.ref("base.user_admin").id,
                }
                for invoice, amount, reason, opened, _closed, _action, _resolution in disputes
            ]
        )
        for dispute, (*_values, action, resolution) in zip(records, disputes, strict=True):
            dispute.resolution = resolution
            getattr(dispute, action)()
        self.env.flush_all()
        for dispute, (_inv, _amount, _reason, opened, closed, _action, _resolution) in zip(
            records, disputes, strict=True
        ):
            self.env.cr.execute(
                SQL(
                    "UPDATE ar_dispute SET date_closed = %s, create_date = %s, write_date = %s WHERE id = %s",
                    closed,
                    opened,
                    closed,
                    dispute.id,
                )
            )
        records.invalidate_recordset(["date_closed", "create_date", "write_date"])

    def _ar_first(self, history, xmlid, fits):
        customer = self.env.ref(f"ar_credit_control.{xmlid}", raise_if_not_found=False)
        return next((inv for inv, _paid_on, _payments in history.get(customer, []) if fits(inv)), None)
