"""Random order-to-cash sequences, the exposure compared after every step with a slow reference.

The reference is written from the documents (orders, their lines, journal items and
invoices read through the ORM), not from the exposure statement: it recounts the invoiced
quantities and the down payments from the invoice lines (not from the stored
``qty_invoiced``), the receivables from the journal items (not from the trigger-kept
balance), and applies the rules of ``ar.credit.balance._figures`` as documented there.
Other seeds: ``AR_EXPOSURE_SEEDS=1,2,3`` (and ``AR_EXPOSURE_STEPS``) in the environment;
a failure names its seed, step and the operations that led to it.
"""

import logging
import os
import random
from datetime import date

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .exposure_common import ExposureCommon

_logger = logging.getLogger(__name__)

SEEDS = [int(s) for s in os.environ.get("AR_EXPOSURE_SEEDS", "1501,1502,1503,1504,1505").split(",")]
STEPS = int(os.environ.get("AR_EXPOSURE_STEPS", "22"))
OLD_RATE_DATE = date(2016, 6, 1)  # EUR rate 3 then, 2 today (see setup_other_currency)


@tagged("post_install", "-at_install")
class TestExposureRandom(ExposureCommon):
    """Seeded random sequences of order-to-cash operations keep the exposure exact."""

    # ------------------------------------------------------------------
    # The reference
    # ------------------------------------------------------------------
    def _reference(self, partner):
        """Exposure of ``partner`` in company currency, recounted from the documents."""
        company = self.company
        commercial = partner.commercial_partner_id
        items = self.env["account.move.line"].search(
            [
                ("partner_id", "child_of", commercial.id),
                ("company_id", "=", company.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
            ]
        )
        total = sum(items.mapped("amount_residual"))
        drafts = self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", commercial.id),
                ("company_id", "=", company.id),
                ("state", "=", "draft"),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ]
        )
        from_orders = drafts.filtered(lambda move: move.line_ids.sale_line_ids)
        if company.ar_exposure_include_orders:
            total += sum(from_orders.mapped("amount_total_signed"))
            orders = self.env["sale.order"].search(
                [
                    ("partner_id", "child_of", commercial.id),
                    ("company_id", "=", company.id),
                    ("state", "=", "sale"),
                ]
            )
            # an order Odoo marks fully invoiced commits nothing more (the statement's index needs that rule)
            total += sum(self._order_rest(order) for order in orders if order.invoice_status != "invoiced")
        if company.ar_exposure_include_drafts:
            total += sum((drafts - from_orders).mapped("amount_total_signed"))
        return total

    def _order_rest(self, order):
        """What ``order`` still commits, company currency, at the order's rate."""
        rate = order.currency_rate or 1.0
        rest = 0.0
        for line in order.order_line.filtered(lambda sol: not sol.display_type):
            invoice_lines = line.invoice_lines.filtered(lambda aml: aml.move_id.state != "cancel")
            if line.is_downpayment and not line.product_uom_qty:
                for aml in invoice_lines:
                    move = aml.move_id
                    amount = aml.price_total if move.move_type == "out_invoice" else -aml.price_total
                    if move.currency_id != order.currency_id and aml.amount_currency:
                        # at the rate the line was booked at, then the order's rate
                        amount = amount * aml.balance / aml.amount_currency * rate
                    rest -= amount
            elif line.product_uom_qty:
                invoiced = sum(
                    (1 if aml.move_id.move_type == "out_invoice" else -1)
                    * aml.product_uom_id._compute_quantity(aml.quantity, line.product_uom)
                    for aml in invoice_lines
                )
                rest += line.price_total * min(max(1 - invoiced / line.product_uom_qty, 0.0), 1.0)
        return max(rest, 0.0) / rate

    # ------------------------------------------------------------------
    # The operations
    # ------------------------------------------------------------------
    def _op_order(self, rng, world):
        taxes = [None, None, self.tax_excl, self.tax_incl]
        lines = [
            (
                rng.randint(1, 5),
                round(rng.uniform(5, 400), 2),
                rng.choice([0, 0, 10, 33.3]),
                rng.choice(taxes),
                rng.choice([self.product_a, self.product_a, self.product_b]),
            )
            for _i in range(rng.randint(1, 3))
        ]
        currency = rng.choice([self.currency, self.eur])
        order = self._sale(rng.choice(world["buyers"]), lines, currency=currency, confirm=rng.random() < 0.85)
        return f"order {order.id} {currency.name} {lines} {order.state}"

    def _op_deliver(self, rng, world):
        lines = self._orders(world).order_line.filtered(lambda sol: sol.product_id == self.product_b)
        if not lines:
            return None
        line = rng.choice(lines)
        line.qty_delivered = rng.randint(0, int(line.product_uom_qty))
        return f"deliver {line.qty_delivered} on line {line.id}"

    def _op_invoice(self, rng, world):
        orders = self._orders(world)
        if not orders:
            return None
        order = rng.choice(orders)
        final = rng.random() < 0.5
        invoice = order.with_context(raise_if_nothing_to_invoice=False)._create_invoices(final=final)
        if not invoice:
            return None
        desc = f"invoice {invoice.id} ({invoice.move_type}) of order {order.id} final={final}"
        lines = invoice.invoice_line_ids.filtered(
            lambda aml: aml.display_type == "product" and not aml.is_downpayment and aml.quantity > 1
        )
        if lines and rng.random() < 0.5:
            self._partial(rng, invoice, lines)
            desc += " partial"
        if rng.random() < 0.25:
            invoice.currency_id = self.eur if invoice.currency_id == self.currency else self.currency
            desc += f" in {invoice.currency_id.name}"
        return desc

    @staticmethod
    def _partial(rng, move, lines):
        move.write(
            {
                "invoice_line_ids": [
                    Command.update(aml.id, {"quantity": rng.randint(1, int(aml.quantity) - 1)})
                    for aml in lines
                ]
            }
        )

    def _op_down_payment(self, rng, world):
        orders = self._orders(world).filtered(lambda so: so.amount_total > 0)
        if not orders:
            return None
        order = rng.choice(orders)
        if rng.random() < 0.5:
            invoice = self._down_payment(order, percent=rng.choice([10, 25, 30, 50]))
        else:
            invoice = self._down_payment(order, fixed=round(order.amount_total * rng.uniform(0.05, 0.4), 2))
        if rng.random() < 0.1:
            invoice.currency_id = self.eur if invoice.currency_id == self.currency else self.currency
        return (
            f"down payment {invoice.id} {invoice.amount_total} {invoice.currency_id.name} of order {order.id}"
        )

    def _op_post(self, rng, world):
        drafts = self._moves(world, "draft")
        if not drafts:
            return None
        move = rng.choice(drafts)
        if move.currency_id == self.eur and rng.random() < 0.3:
            move.invoice_date = OLD_RATE_DATE  # another rate than the order's
        move.action_post()
        return f"post {move.id} ({move.move_type} {move.amount_total} {move.currency_id.name})"

    def _op_cancel(self, rng, world):
        moves = self._moves(world, "draft") | self._moves(world, "posted").filtered(
            lambda move: move.payment_state == "not_paid"
        )
        if not moves:
            return None
        move = rng.choice(moves)
        if move.state == "posted":
            move.button_draft()
        move.button_cancel()
        return f"cancel {move.id}"

    def _op_reset(self, rng, world):
        moves = self._moves(world, "posted").filtered(lambda move: move.payment_state == "not_paid")
        if not moves:
            return None
        move = rng.choice(moves)
        move.button_draft()
        return f"reset to draft {move.id}"

    def _op_credit_note(self, rng, world):
        moves = self._moves(world, "posted").filtered(lambda move: move.move_type == "out_invoice")
        if not moves:
            return None
        move = rng.choice(moves)
        refund = self._credit_note(move)
        desc = f"credit note {refund.id} of {move.id}"
        lines = refund.invoice_line_ids.filtered(
            lambda aml: aml.display_type == "product" and not aml.is_downpayment and aml.quantity > 1
        )
        if lines and rng.random() < 0.5:
            self._partial(rng, refund, lines)
            desc += " partial"
        if rng.random() < 0.5:
            refund.action_post()
            desc += " posted"
        return desc

    def _op_pay(self, rng, world):
        moves = self._moves(world, "posted").filtered(
            lambda move: move.move_type == "out_invoice" and move.amount_residual > 0
        )
        if not moves:
            return None
        move = rng.choice(moves)
        amount = move.currency_id.round(move.amount_residual * rng.choice([0.25, 0.5, 1.0]))
        self._pay(move, amount)
        return f"pay {amount} {move.currency_id.name} on {move.id}"

    def _op_other_invoice(self, rng, world):
        move = self._invoice(
            rng.choice(world["buyers"]),
            round(rng.uniform(10, 300), 2),
            currency=rng.choice([self.currency, self.eur]),
            post=rng.random() < 0.5,
        )
        return f"invoice {move.id} not from an order, {move.state}"

    def _op_cancel_order(self, rng, world):
        orders = self._orders(world)
        if not orders:
            return None
        order = rng.choice(orders)
        order.with_context(disable_cancel_warning=True).action_cancel()
        return f"cancel order {order.id}: {order.state}"

    def _op_settings(self, rng, world):
        field = rng.choice(["ar_exposure_include_orders", "ar_exposure_include_drafts"])
        self.company[field] = not self.company[field]
        return f"{field} = {self.company[field]}"

    def _orders(self, world):
        return self.env["sale.order"].search(
            [("partner_id", "child_of", world["customers"].ids), ("state", "=", "sale")]
        )

    def _moves(self, world, state):
        return self.env["account.move"].search(
            [
                ("commercial_partner_id", "in", world["customers"].ids),
                ("state", "=", state),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ]
        )

    OPERATIONS = (
        ("_op_order", 3),
        ("_op_deliver", 2),
        ("_op_invoice", 5),
        ("_op_down_payment", 3),
        ("_op_post", 5),
        ("_op_cancel", 1),
        ("_op_reset", 1),
        ("_op_credit_note", 2),
        ("_op_pay", 2),
        ("_op_other_invoice", 1),
        ("_op_cancel_order", 1),
        ("_op_settings", 1),
    )

    # ------------------------------------------------------------------
    # The run
    # ------------------------------------------------------------------
    def _step(self, rng, world):
        """Run one random operation that has something to work on.

        An operation Odoo refuses (a UserError or ValidationError) is rolled
        back and reported in the history, as a user would see it refused.
        """
        names, weights = zip(*self.OPERATIONS, strict=True)
        for _try in range(20):
            name = rng.choices(names, weights)[0]
            try:
                with self.env.cr.savepoint():
                    desc = getattr(self, name)(rng, world)
            except (UserError, ValidationError) as error:
                self.env.invalidate_all(flush=False)
                return f"{name} refused: {error}"
            if desc:
                return desc
        return "nothing to do"

    def _run_sequence(self, seed):
        rng = random.Random(seed)
        self.company.write({"ar_exposure_include_orders": True, "ar_exposure_include_drafts": False})
        customers = self._customer() | self._customer()
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": customers[0].id})
        world = {"customers": customers, "buyers": customers | contact}
        history = []
        for step in range(STEPS):
            history.append(self._step(rng, world) or "nothing to do")
            for customer in customers:
                expected = self._reference(customer)
                actual = customer._ar_credit_figures(self.company).exposure
                self.assertAlmostEqual(
                    actual,
                    expected,
                    delta=0.005,
                    msg=f"seed {seed}, step {step}, customer {customer.id}; steps:\n  "
                    + "\n  ".join(history),
                )
        return history

    def test_random_sequences(self):
        done = 0
        for seed in SEEDS:
            history = self._run_sequence(seed)
            _logger.debug("exposure seed %s:\n  %s", seed, "\n  ".join(history))
            done += sum(1 for entry in history if "refused" not in entry and entry != "nothing to do")
        _logger.info("exposure: %d seeds, %d steps, %d operations done", len(SEEDS), len(SEEDS) * STEPS, done)
        self.assertGreater(done, len(SEEDS) * STEPS // 2, "most random operations should be possible")
