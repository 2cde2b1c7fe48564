import logging
import random
from datetime import timedelta
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from ..tools import payment_risk_learning
from ..tools import payment_risk_rules as rules
from .common import ArCreditCommon

_logger = logging.getLogger(__name__)

LATE_DAYS = 15
CUSTOMERS = 10
#: enough history for a held-out quarter of 120 invoices: the AUC measured on it is stable
HISTORY_PER_CUSTOMER = 48
OPEN_PER_CUSTOMER = 8


def pairwise_auc(labels, scores):
    """Share of (late, on-time) pairs where the late invoice scores higher (ties count half)."""
    late = [score for score, label in zip(scores, labels, strict=True) if label]
    on_time = [score for score, label in zip(scores, labels, strict=True) if not label]
    wins = sum((a > b) + 0.5 * (a == b) for a in late for b in on_time)
    return wins / (len(late) * len(on_time))


@tagged("post_install", "-at_install")
class TestPaymentRisk(ArCreditCommon):
    """Predicted payment risk on a synthetic history where lateness follows a known rule plus noise.

    Each customer has a propensity to pay late (0 to 1); large amounts and
    60-day terms make late payment more likely. Paid invoices (the history)
    get payments dated late (20-45 days after the due date) or on time; open
    invoices, not yet due, carry the label the same rule gives them.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.ar_risk_late_days = LATE_DAYS
        cls.rng = random.Random(20261124)
        cls.customers = [cls._customer(name=f"Risk Customer {index}") for index in range(CUSTOMERS)]
        history, open_specs = [], []
        for index, customer in enumerate(cls.customers):
            propensity = index / (CUSTOMERS - 1)
            for number in range(HISTORY_PER_CUSTOMER):
                # every 15 days until four months ago: all paid by now, even 60 days term and 45 late
                invoice_date = cls.today - timedelta(days=120 + 15 * (HISTORY_PER_CUSTOMER - 1 - number))
                history.append(cls._synthetic(customer, propensity, invoice_date))
            for _number in range(OPEN_PER_CUSTOMER):
                open_specs.append(cls._synthetic(customer, propensity, cls.today - timedelta(days=2)))
        # templates copied by SQL: posting hundreds of invoices through the ORM takes over a minute
        cls.template_paid = cls._invoice(cls._customer(name="Template Customer"), 1000.0, days_overdue=300)
        cls._pay(cls.template_paid, 1000.0, date=cls.today - timedelta(days=250))
        cls.template_open = cls._invoice(cls.template_paid.partner_id, 1000.0, days_overdue=-30)
        cls.history = cls._copy_invoices(history, paid=True)
        cls.open_invoices = cls._copy_invoices(open_specs, paid=False)
        cls.open_labels = [spec["late"] for spec in open_specs]
        cls.risk_model = cls.env["ar.payment.risk.model"]._for_company(cls.company)

    @classmethod
    def _synthetic(cls, customer, propensity, invoice_date):
        """An invoice spec whose lateness follows the known rule plus noise."""
        rng = cls.rng
        large = rng.random() < 0.2
        term = rng.choice([15, 30, 60])
        amount = round(1000 * rng.uniform(0.8, 1.2) * (3.5 if large else 1.0), 2)
        latent = 3.0 * propensity + 1.5 * large + 1.0 * (term == 60) + rng.gauss(0, 0.6)
        late = latent > 2.2
        due = invoice_date + timedelta(days=term)
        days_late = rng.randint(LATE_DAYS + 5, LATE_DAYS + 30) if late else rng.randint(-5, 5)
        return {
            "partner": customer.id,
            "invoice_date": invoice_date,
            "due": due,
            "amount": amount,
            "late": late,
            "paid": due + timedelta(days=days_late),
        }

    @classmethod
    def _copy_sql(cls, table, overrides):
        """Column list and SELECT list copying the template row ``t`` of ``table`` with ``overrides``."""
        cls.env.cr.execute(
            """SELECT column_name FROM information_schema.columns
                WHERE table_name = %s AND column_name <> 'id'""",
            [table],
        )
        columns = [row[0] for row in cls.env.cr.fetchall()]
        return (
            SQL(", ").join(SQL.identifier(column) for column in columns),
            SQL(", ").join(overrides.get(column, SQL("t.%s", SQL.identifier(column))) for column in columns),
        )

    @classmethod
    def _copy_invoices(cls, specs, paid):
        """Posted invoices of ``specs`` copied in SQL from a template; paid ones reconciled on their date."""
        template = cls.template_paid if paid else cls.template_open
        cls.env.flush_all()
        prefix = "SYNP" if paid else "SYNO"
        names = [f"{prefix}/{number:05d}" for number in range(len(specs))]
        amount = SQL("v.amount")
        residual = SQL("0") if paid else amount
        columns, select = cls._copy_sql(
            "account_move",
            {
                "name": SQL("v.name"),
                "partner_id": SQL("v.partner"),
                "commercial_partner_id": SQL("v.partner"),
                "date": SQL("v.invoice_date"),
                "invoice_date": SQL("v.invoice_date"),
                "invoice_date_due": SQL("v.due"),
                "sequence_prefix": SQL("%s", prefix),
                **dict.fromkeys(
                    ["amount_untaxed", "amount_total", "amount_untaxed_signed", "amount_total_signed"], amount
                ),
                **dict.fromkeys(
                    ["amount_untaxed_in_currency_signed", "amount_total_in_currency_signed"], amount
                ),
                "amount_residual": residual,
                "amount_residual_signed": residual,
            },
        )
        cls.env.cr.execute(
            SQL(
                """INSERT INTO account_move (%s)
                   SELECT %s FROM account_move t,
                          unnest(%s::varchar[], %s::int[], %s::date[], %s::date[], %s::numeric[])
                          AS v(name, partner, invoice_date, due, amount)
                    WHERE t.id = %s""",
                columns,
                select,
                names,
                [spec["partner"] for spec in specs],
                [spec["invoice_date"] for spec in specs],
                [spec["due"] for spec in specs],
                [spec["amount"] for spec in specs],
                template.id,
            )
        )
        line = template.line_ids.filtered(lambda aml: aml.account_id.account_type == "asset_receivable")
        columns, select = cls._copy_sql(
            "account_move_line",
            {
                "move_id": SQL("m.id"),
                "move_name": SQL("m.name"),
                "partner_id": SQL("m.partner_id"),
                "date": SQL("m.date"),
                "invoice_date": SQL("m.invoice_date"),
                "date_maturity": SQL("m.invoice_date_due"),
                **dict.fromkeys(["debit", "balance", "amount_currency"], SQL("m.amount_total")),
                **dict.fromkeys(["amount_residual", "amount_residual_currency"], SQL("m.amount_residual")),
                "reconciled": SQL("%s", paid),
                "full_reconcile_id": SQL("NULL"),
                "matching_number": SQL("NULL"),
            },
        )
        cls.env.cr.execute(
            SQL(
                """INSERT INTO account_move_line (%s)
                   SELECT %s FROM account_move_line t JOIN account_move m ON m.journal_id = t.journal_id
                    WHERE t.id = %s AND m.name = ANY(%s)""",
                columns,
                select,
                line.id,
                names,
            )
        )
        if paid:
            cls._copy_partials(line, names, [spec["paid"] for spec in specs])
        cls.env.invalidate_all()
        moves = cls.env["account.move"].search([("name", "in", names)])
        return moves.sorted(lambda move: names.index(move.name))

    @classmethod
    def _copy_partials(cls, template_line, names, payment_dates):
        """Reconcile the copied receivable lines with the template's payment, on ``payment_dates``."""
        partial = template_line.matched_credit_ids[:1]
        columns, select = cls._copy_sql(
            "account_partial_reconcile",
            {
                "debit_move_id": SQL("l.id"),
                **dict.fromkeys(
                    ["amount", "debit_amount_currency", "credit_amount_currency"], SQL("l.balance")
                ),
                "max_date": SQL("v.paid"),
                "full_reconcile_id": SQL("NULL"),
            },
        )
        cls.env.cr.execute(
            SQL(
                """INSERT INTO account_partial_reconcile (%s)
                   SELECT %s FROM account_partial_reconcile t,
                          unnest(%s::varchar[], %s::date[]) AS v(name, paid)
                     JOIN account_move m ON m.name = v.name
                     JOIN account_move_line l ON l.move_id = m.id
                    WHERE t.id = %s""",
                columns,
                select,
                names,
                payment_dates,
                partial.id,
            )
        )

    def _train(self, user=None):
        self.risk_model.with_user(user or self.credit_manager).action_train()
        return self.risk_model

    def test_history_is_paid_as_generated(self):
        self.assertEqual(set(self.history.mapped("payment_state")), {"paid"})
        behaviour = self.env["ar.payment.behaviour"].search([("move_id", "in", self.history.ids)])
        self.assertEqual(len(behaviour), len(self.history))
        late = sum(1 for row in behaviour if row.days_late > LATE_DAYS)
        self.assertTrue(0.2 * len(behaviour) < late < 0.8 * len(behaviour), late)

    def test_model_ranks_held_out_late_invoices_first(self):
        model = self._train()
        self.assertEqual(model.method, "model")
        # the synthetic history and the paid template
        self.assertEqual(model.sample_count, CUSTOMERS * HISTORY_PER_CUSTOMER + 1)
        self.assertGreaterEqual(model.auc, 0.8)
        self.assertIn("avg_delay", model.coefficients)
        invoices = self.open_invoices
        self.assertEqual(set(invoices.mapped("ar_risk_method")), {"model"})
        auc = pairwise_auc(self.open_labels, invoices.mapped("ar_late_probability"))
        _logger.info("Payment risk model: held-out AUC %.3f, AUC on the open invoices %.3f", model.auc, auc)
        self.assertGreaterEqual(auc, 0.8)
        for invoice in invoices:
            self.assertTrue(0.0 < invoice.ar_late_probability < 1.0)
            self.assertGreaterEqual(invoice.ar_expected_days_late, 0.0)
            self.assertTrue(invoice.ar_risk_reasons)
            self.assertEqual(invoice.ar_risk_date, self.today)
            self.assertAlmostEqual(
                invoice.ar_expected_loss,
                self.currency.round(invoice.amount_residual * invoice.ar_late_probability),
                places=2,
            )

    def test_fallback_without_scikit_learn(self):
        with patch.object(payment_risk_learning, "load_sklearn", return_value=None):
            model = self._train()
        self.assertEqual(model.method, "rules")
        self.assertIn("scikit-learn", model.note)
        self.assertFalse(model.model_data)
        invoices = self.open_invoices
        self.assertEqual(set(invoices.mapped("ar_risk_method")), {"rules"})
        # the synthetic open invoices and the open template
        self.assertEqual(model.scored_count, len(invoices) + 1)
        # customers with the highest propensity have the longest delays, so the rules rank them first
        first = invoices.filtered(lambda inv: inv.partner_id == self.customers[0])
        last = invoices.filtered(lambda inv: inv.partner_id == self.customers[-1])
        self.assertGreater(min(last.mapped("ar_late_probability")), max(first.mapped("ar_late_probability")))
        self.assertIn("Customer's past average delay", last[0].ar_risk_reasons)
        self.assertIn("points", last[0].ar_risk_reasons)
        self.assertGreaterEqual(pairwise_auc(self.open_labels, invoices.mapped("ar_late_probability")), 0.7)

    def test_short_history_uses_rules(self):
        def needs_more(labels):
            return rules.trainable(labels, minimum=len(self.history) + 2)

        with patch("odoo.addons.ar_credit_control.models.ar_payment_risk_model.trainable", needs_more):
            model = self._train()
        self.assertEqual(model.method, "rules")
        self.assertIn("History too short", model.note)
        self.assertEqual(model.sample_count, len(self.history) + 1)

    def test_scores_follow_payments(self):
        self._train()
        paid = self._invoice(self.customers[-1], 800.0, days_overdue=3)
        partly = self._invoice(self.customers[-1], 600.0, days_overdue=3)
        self.risk_model.with_user(self.credit_manager).action_refresh_scores()
        self.assertEqual(paid.ar_risk_method, "model")
        self.assertTrue(paid.ar_expected_loss)
        self._pay(paid, paid.amount_total)
        self._pay(partly, partly.amount_total / 2)
        self.risk_model.with_user(self.credit_manager).action_refresh_scores()
        self.assertFalse(paid.ar_risk_method)
        self.assertFalse(paid.ar_expected_loss)
        self.assertAlmostEqual(
            partly.ar_expected_loss,
            self.currency.round(partly.amount_residual * partly.ar_late_probability),
            places=2,
        )

    def test_weekly_cron_trains_and_scores(self):
        with patch.object(self.env.cr, "commit", lambda: None):
            self.env["ar.payment.risk.model"]._cron_train()
        self.assertEqual(self.risk_model.method, "model")
        self.assertTrue(self.risk_model.scoring_date)
        self.assertTrue(all(self.open_invoices.mapped("ar_risk_method")))

    def test_only_credit_managers_train(self):
        credit_user = new_test_user(
            self.env,
            login="ar_test_risk_credit_user",
            groups="base.group_user,ar_credit_control.group_ar_credit_user",
            company_id=self.company.id,
        )
        for user in (self.rep, credit_user):
            with self.assertRaises(AccessError):
                self.risk_model.with_user(user).action_train()
            with self.assertRaises(AccessError):
                self.risk_model.with_user(user).action_refresh_scores()
        self.assertFalse(self.risk_model.training_date)
        self.assertFalse(any(self.open_invoices.mapped("ar_risk_method")))

    def test_companies_see_only_their_model(self):
        other = self.env["res.company"].create({"name": "Other Risk Company"})
        other_model = self.env["ar.payment.risk.model"]._for_company(other)
        visible = self.env["ar.payment.risk.model"].with_user(self.credit_manager).search([])
        self.assertIn(self.risk_model, visible)
        self.assertNotIn(other_model, visible)
        self.assertEqual(self.company.ar_risk_late_days, LATE_DAYS)

    def test_views_menu_and_settings(self):
        settings = self.env["res.config.settings"].create({})  # settings belong to the administrators
        action = settings.with_user(self.credit_manager).action_ar_open_payment_risk()
        self.assertEqual(action["res_model"], "ar.payment.risk.model")
        menu = self.env.ref("ar_credit_control.menu_ar_payment_risk_model")
        self.assertEqual(menu.parent_id, self.env.ref("ar_credit_control.menu_ar_credit_config"))
        invoice_form = self.env["account.move"].get_view(self.env.ref("account.view_move_form").id, "form")
        self.assertIn('name="ar_payment_risk"', invoice_form["arch"])
        invoice_list = self.env["account.move"].get_view(
            self.env.ref("account.view_out_invoice_tree").id, "list"
        )
        self.assertIn('name="ar_expected_loss"', invoice_list["arch"])
        model_form = self.env["ar.payment.risk.model"].get_view(view_type="form")["arch"]
        self.assertIn('name="action_train"', model_form)
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.rep).action_ar_open_payment_risk()
