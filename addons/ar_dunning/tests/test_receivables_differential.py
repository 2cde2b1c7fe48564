"""One receivables truth: every figure against a slow reference read from the journal items.

Seeded random ledgers (instalment terms, partial payments, credit notes,
foreign currency with exchange differences, reconciliations dated after the
as-of dates) are built in the test company; then the aging as of several
dates, the dunning levels reached per instalment, the overdue figures of the
external API and the exposure are compared with a reference computed here,
slowly and independently, from ``account.move.line`` and
``account.partial.reconcile``:

* an open item is a posted journal item on a receivable account whose
  residual as of a date (its balance minus the partial reconciliations dated
  on or before that date on its debit side, plus those on its credit side) is
  not zero;
* its due date is its own ``date_maturity`` (its date without one);
* its days past due are counted from the as-of date (the company's date for
  today's figures).
"""

import random
from collections import defaultdict
from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import ArDunningCommon

#: Seeds of the random ledgers: each one a test, so a failure names its seed.
SEEDS = (7, 11, 23, 42)
#: As-of dates of the aging, in days before the company's today.
AGING_OFFSETS = (0, 20, 46, 75, 130)


class ReceivablesLedgerCommon(ArDunningCommon):
    """Payment terms, a foreign currency whose rate moves, and simple dunning levels."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls.company._ar_today()
        cls.eur = cls.setup_other_currency(
            "EUR",
            rates=[
                ("1900-01-01", 2.0),
                (str(cls.today - timedelta(days=150)), 2.5),
                (str(cls.today - timedelta(days=60)), 3.0),
                (str(cls.today - timedelta(days=10)), 2.2),
            ],
        )
        cls.term_30_60_90 = cls._term("30/60/90", [(33.33, 30), (33.33, 60), (33.34, 90)])
        cls.term_30 = cls._term("30 days", [(100.0, 30)])
        # levels that only depend on the age of the items, executed by the run and
        # leaving the ledger alone (no late-fee invoice), so the reference stays simple
        cls.level_30.write({"min_amount": 0.0, "min_days_since_previous": 0, "send_letter": False})
        cls.level_60.write({"auto_execute": True, "fee_type": "none", "set_credit_hold": False})
        cls.levels = cls.level_7 | cls.level_30 | cls.level_60

    @classmethod
    def _term(cls, name, lines):
        return cls.env["account.payment.term"].create(
            {
                "name": name,
                "company_id": cls.company.id,
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": percent, "nb_days": days})
                    for percent, days in lines
                ],
            }
        )

    def _document(self, partner, amount, date, term=None, due=None, currency=None, move_type="out_invoice"):
        """A posted invoice (or credit note) of ``amount`` dated ``date``, on ``term`` or due on ``due``."""
        vals = {
            "move_type": move_type,
            "partner_id": partner.id,
            "invoice_date": date,
            "date": date,
            "currency_id": (currency or self.currency).id,
            "invoice_line_ids": [
                Command.create({"name": "Goods", "quantity": 1, "price_unit": amount, "tax_ids": []})
            ],
        }
        if term:
            vals["invoice_payment_term_id"] = term.id
        else:
            vals.update(invoice_payment_term_id=False, invoice_date_due=due or date)
        move = self.env["account.move"].create(vals)
        move.action_post()
        return move

    def _receivable_lines(self, move):
        return move.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")

    # ------------------------------------------------------------------
    # The slow reference: journal items and partial reconciliations only
    # ------------------------------------------------------------------
    def _reference_items(self, as_of):
        """``{line id: dict(partner, move, due, days, residual)}`` of the open items as of ``as_of``."""
        lines = self.env["account.move.line"].search(
            [
                ("company_id", "=", self.company.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("date", "<=", as_of),
            ]
        )
        residual = {line.id: line.balance for line in lines}
        partials = self.env["account.partial.reconcile"].search(
            ["|", ("debit_move_id", "in", lines.ids), ("credit_move_id", "in", lines.ids)]
        )
        for partial in partials:
            if partial.max_date > as_of:
                continue
            if partial.debit_move_id.id in residual:
                residual[partial.debit_move_id.id] -= partial.amount
            if partial.credit_move_id.id in residual:
                residual[partial.credit_move_id.id] += partial.amount
        items = {}
        for line in lines:
            amount = self.currency.round(residual[line.id])
            if self.currency.is_zero(amount):
                continue
            due = line.date_maturity or line.date
            items[line.id] = {
                "partner": line.partner_id.commercial_partner_id.id,
                "move": line.move_id.id,
                "due": due,
                "days": (as_of - due).days,
                "residual": amount,
            }
        return items

    def _reference_level(self, days):
        """The dunning level an item ``days`` past due reaches (empty when none)."""
        reached = self.levels.filtered(lambda level: level.days <= days)
        return reached.sorted("days")[-1:] if reached else self.levels.browse()

    def _bucket(self, days):
        bounds = [int(part) for part in self.company.ar_aging_buckets.split(",")]
        return next((index for index, bound in enumerate(bounds) if days <= bound), len(bounds))

    def _round(self, amount):
        return self.currency.round(amount)

    # ------------------------------------------------------------------
    # Comparisons
    # ------------------------------------------------------------------
    def _check_aging(self, as_of):
        wizard = self.env["ar.aging.report.wizard"].create({"date": as_of, "company_id": self.company.id})
        wizard._fill_lines()
        got = {
            line.move_line_id.id: (self._round(line.amount_residual), line.days_overdue, line.bucket)
            for line in wizard.line_ids
        }
        expected = {
            line_id: (item["residual"], item["days"], f"b{self._bucket(item['days'])}")
            for line_id, item in self._reference_items(as_of).items()
        }
        self.assertEqual(got, expected, f"aging as of {as_of}")

    def _check_api_and_exposure(self, partners):
        today = self.today
        items = self._reference_items(today)
        api = self.env["ar.credit.api"]
        overdue_rows = api.list_overdue(company_id=self.company.id)
        by_move = defaultdict(list)
        for item in items.values():
            if item["residual"] > 0 and item["days"] > 0:
                by_move[item["move"]].append(item)
        self.assertEqual(
            sorted(row["id"] for row in overdue_rows), sorted(by_move), "list_overdue: the moves listed"
        )
        listed_overdue = defaultdict(float)
        for row in overdue_rows:
            late = by_move[row["id"]]
            oldest = min(item["due"] for item in late)
            open_amount = sum(item["residual"] for item in items.values() if item["move"] == row["id"])
            overdue = self._round(sum(item["residual"] for item in late))
            self.assertEqual(
                (row["due_date"], row["days_overdue"], row["open_amount"], row.get("overdue_amount")),
                (str(oldest), (today - oldest).days, self._round(open_amount), overdue),
                f"list_overdue row of move {row['id']}",
            )
            listed_overdue[row["partner_id"]] += overdue
        for figures in api.get_exposure(partners.ids, company_id=self.company.id):
            mine = [item for item in items.values() if item["partner"] == figures["partner_id"]]
            late = [item for item in mine if item["residual"] > 0 and item["days"] > 0]
            expected = {
                "receivable": self._round(sum(item["residual"] for item in mine)),
                "exposure": self._round(sum(item["residual"] for item in mine)),
                "overdue_amount": self._round(sum(item["residual"] for item in late)),
                "overdue_days": max((item["days"] for item in late), default=0),
            }
            self.assertEqual(
                {key: figures[key] for key in expected}, expected, f"get_exposure of {figures['partner_id']}"
            )
            self.assertAlmostEqual(
                listed_overdue[figures["partner_id"]],
                figures["overdue_amount"],
                places=2,
                msg="list_overdue and get_exposure agree on the overdue amount",
            )

    def _check_dunning(self, partners):
        """A first run: every item reaches the level of its own age, its invoice the highest of them."""
        every = list(self._reference_items(self.today).values())
        items = [item for item in every if item["residual"] > 0]
        self._run(date=self.today)
        for partner in partners:
            mine = [item for item in items if item["partner"] == partner.id]
            if sum(item["residual"] for item in every if item["partner"] == partner.id) <= 0:
                mine = []  # its open credits cover what it owes: owes nothing on balance
            reached = [(item, self._reference_level(item["days"])) for item in mine]
            reached = [(item, level) for item, level in reached if level]
            comm = self._comms(partner)
            if not reached:
                self.assertFalse(comm, f"no reminder for {partner.name}")
                continue
            top = max((level for _item, level in reached), key=lambda level: level.days)
            moves = {item["move"] for item, _level in reached}
            amount = self._round(sum(item["residual"] for item, _level in reached))
            self.assertEqual(
                (comm.level_id, comm.state, sorted(comm.move_ids.ids), self._round(comm.amount_due)),
                (top, "sent", sorted(moves), amount),
                f"reminder of {partner.name}",
            )
            for move_id in moves:
                levels = [level for item, level in reached if item["move"] == move_id]
                move = self.env["account.move"].browse(move_id)
                self.assertEqual(
                    move.dunning_level_id,
                    max(levels, key=lambda level: level.days),
                    f"level of {move.name}: the highest level of its instalments",
                )


@tagged("post_install", "-at_install")
class TestReceivablesDifferential(ReceivablesLedgerCommon):
    """Random ledgers: aging, dunning levels, API and exposure equal the slow reference."""

    def _random_ledger(self, seed):
        """Customers with invoices, partial payments and credit notes, dated at random in the past."""
        rng = random.Random(seed)
        partners = self.env["res.partner"]
        for number in range(4):
            partner = self._debtor(name=f"Seed {seed} customer {number}", email=f"ap{seed}{number}@x.example")
            partners |= partner
            invoices = self.env["account.move"]
            for _index in range(rng.randint(2, 5)):
                date = self.today - timedelta(days=rng.randint(0, 200))
                currency = rng.choice((self.currency, self.eur))
                amount = rng.randint(10000, 500000) / 100
                kind = rng.choice(("instalments", "instalments", "30", "due"))
                term = {"instalments": self.term_30_60_90, "30": self.term_30}.get(kind)
                due = date + timedelta(days=rng.randint(0, 45))
                invoice = self._document(partner, amount, date, term=term, due=due, currency=currency)
                invoices |= invoice
                if rng.random() < 0.6:
                    paid_on = date + timedelta(days=rng.randint(0, max(0, (self.today - date).days)))
                    self._pay(invoice, round(amount * rng.uniform(0.1, 0.8), 2), date=paid_on)
            if rng.random() < 0.7:
                invoice = rng.choice(invoices)
                date = invoice.invoice_date + timedelta(
                    days=rng.randint(0, (self.today - invoice.invoice_date).days)
                )
                refund = self._document(
                    partner,
                    round(invoice.amount_total * rng.uniform(0.1, 0.5), 2),
                    date,
                    currency=invoice.currency_id,
                    move_type="out_refund",
                )
                if rng.random() < 0.7 and invoice.amount_residual:
                    invoice.js_assign_outstanding_line(self._receivable_lines(refund).id)
        return partners

    def _check_seed(self, seed):
        partners = self._random_ledger(seed)
        for offset in AGING_OFFSETS:
            with self.subTest(seed=seed, aging=offset):
                self._check_aging(self.today - timedelta(days=offset))
        self._check_api_and_exposure(partners)
        self._check_dunning(partners)

    def test_seed_7(self):
        self._check_seed(SEEDS[0])

    def test_seed_11(self):
        self._check_seed(SEEDS[1])

    def test_seed_23(self):
        self._check_seed(SEEDS[2])

    def test_seed_42(self):
        self._check_seed(SEEDS[3])

    def test_reconciliation_after_the_as_of_date(self):
        """A payment dated after the as-of date leaves the item open, at its full amount, in that aging."""
        partner = self._debtor(name="Late payer")
        invoice = self._document(partner, 900, self.today - timedelta(days=120), term=self.term_30_60_90)
        self._pay(invoice, 900, date=self.today - timedelta(days=10))
        as_of = self.today - timedelta(days=40)
        self._check_aging(as_of)
        self.assertEqual(len(self._reference_items(as_of)), 3, "the three instalments were open then")
        self.assertFalse(self._reference_items(self.today))
        self._check_api_and_exposure(partner)


@tagged("post_install", "-at_install")
class TestInstalmentDunning(ReceivablesLedgerCommon):
    """An invoice on a 30/60/90 term: each instalment is overdue from its own due date."""

    def test_first_instalment_45_days_late(self):
        debtor = self._debtor(name="Instalment debtor")
        invoice = self._document(debtor, 3000, self.today - timedelta(days=75), term=self.term_30_60_90)
        first, second, third = self._receivable_lines(invoice).sorted("date_maturity")
        self.assertEqual(
            [first.date_maturity, second.date_maturity, third.date_maturity],
            [
                self.today - timedelta(days=45),
                self.today - timedelta(days=15),
                self.today + timedelta(days=15),
            ],
        )
        self.assertEqual(
            invoice.invoice_date_due, third.date_maturity, "Odoo's due date: the last instalment"
        )
        overdue = first.amount_residual + second.amount_residual

        api = self.env["ar.credit.api"]
        [exposure] = api.get_exposure([debtor.id], company_id=self.company.id)
        self.assertEqual(
            (exposure["overdue_amount"], exposure["overdue_days"], exposure["receivable"]),
            (overdue, 45, 3000.0),
        )
        rows = api.list_overdue(partner_id=debtor.id, company_id=self.company.id)
        self.assertEqual(
            [
                (
                    row["id"],
                    row["due_date"],
                    row["days_overdue"],
                    row["open_amount"],
                    row.get("overdue_amount"),
                )
                for row in rows
            ],
            [(invoice.id, str(first.date_maturity), 45, 3000.0, overdue)],
            "list_overdue shows the invoice from its first late instalment, as get_exposure counts it",
        )
        self.assertEqual(sum(row["overdue_amount"] for row in rows), exposure["overdue_amount"])

        self._run(date=self.today)
        comm = self._comms(debtor)
        self.assertEqual(
            (comm.level_id, comm.move_ids, comm.amount_due, comm.state),
            (self.level_30, invoice, overdue, "sent"),
            "dunned at the level of its first instalment, for the instalments past the first level",
        )
        self.assertEqual(invoice.dunning_level_id, self.level_30)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("ar_dunning.action_report_dunning_letter", comm.ids)[0]
            .decode()
        )
        self.assertEqual(
            [(line, days) for line, days, _amount in comm._ar_letter_items()], [(first, 45), (second, 15)]
        )
        self.assertIn(">45<", html.replace(" ", ""), "the letter shows the first instalment 45 days overdue")

    def test_each_instalment_keeps_its_own_level(self):
        """The run stores the rules' decision per instalment and applies it; later runs climb from there."""
        debtor = self._debtor(name="Instalment levels")
        invoice = self._document(debtor, 3000, self.today - timedelta(days=75), term=self.term_30_60_90)
        first, second, third = self._receivable_lines(invoice).sorted("date_maturity")
        self._run(date=self.today)
        comm = self._comms(debtor)
        self.assertEqual(comm._raised_levels(), {first.id: self.level_30.id, second.id: self.level_7.id})
        self.assertEqual(
            (
                first.dunning_level_id,
                second.dunning_level_id,
                third.dunning_level_id,
                invoice.dunning_level_id,
            ),
            (self.level_30, self.level_7, self.env["ar.dunning.level"], self.level_30),
        )
        later = self.today + timedelta(days=20)  # instalments 65, 35 and 5 days late
        self._run(date=later)
        comms = self._comms(debtor)
        self.assertEqual(
            (len(comms), comms[-1].level_id, comms[-1].amount_due),
            (2, self.level_60, first.amount_residual + second.amount_residual),
        )
        self.assertEqual(
            (
                first.dunning_level_id,
                second.dunning_level_id,
                third.dunning_level_id,
                invoice.dunning_level_id,
            ),
            (self.level_60, self.level_30, self.env["ar.dunning.level"], self.level_60),
        )

    def test_instalment_not_yet_due_is_not_dunned(self):
        """The same invoice 20 days old: no instalment is due, nothing is overdue anywhere."""
        debtor = self._debtor(name="On time")
        self._document(debtor, 3000, self.today - timedelta(days=20), term=self.term_30_60_90)
        api = self.env["ar.credit.api"]
        [exposure] = api.get_exposure([debtor.id], company_id=self.company.id)
        self.assertEqual((exposure["overdue_amount"], exposure["overdue_days"]), (0.0, 0))
        self.assertFalse(api.list_overdue(partner_id=debtor.id, company_id=self.company.id))
        self._run(date=self.today)
        self.assertFalse(self._comms(debtor))
