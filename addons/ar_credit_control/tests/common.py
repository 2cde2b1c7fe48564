import contextlib
from datetime import timedelta

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.modules.registry import Registry
from odoo.sql_db import db_connect
from odoo.tests import BaseCase, TransactionCase, new_test_user
from odoo.tests.common import get_db_name

from odoo.addons.account.tests.common import AccountTestInvoicingCommon, AccountTestInvoicingHttpCommon


class ArRaisesMixin:
    """Odoo's ``assertRaises`` rolls the failed operation back to a savepoint but
    ``assertRaisesRegex`` does not; with this mixin both do, so a test can go on
    using the database after checking an error message."""

    @contextlib.contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex, msg=None):  # noqa: N802
        with self.assertRaises(expected_exception, msg=msg) as caught:
            yield caught
        self.assertRegex(str(caught.exception), expected_regex)


class ArTransactionCase(ArRaisesMixin, TransactionCase):
    """Base test case of the suite."""


class ArCreditCommon(ArRaisesMixin, AccountTestInvoicingCommon):
    """Invoices, orders and users for credit-control tests, in a company with a chart of accounts."""

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("ar_credit_control.group_ar_credit_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.currency = cls.company.currency_id
        cls.company.write(
            {
                "ar_credit_check_mode": "block",
                "ar_credit_check_limit": True,
                "ar_credit_grace_percent": 0.0,
                "ar_credit_zero_limit": "unlimited",
                "ar_credit_check_overdue": True,
                "ar_credit_overdue_tolerance_days": 30,
                "ar_credit_check_hold": True,
                "ar_credit_check_prepayment": True,
                "ar_credit_check_review": False,
                "ar_exposure_include_orders": True,
                "ar_exposure_include_drafts": False,
                "ar_credit_check_on_post": False,
            }
        )
        common_groups = "base.group_user,base.group_partner_manager,sales_team.group_sale_salesman"
        cls.rep = new_test_user(cls.env, login="ar_test_rep", groups=common_groups, company_id=cls.company.id)
        cls.credit_manager = new_test_user(
            cls.env,
            login="ar_test_credit_manager",
            groups=common_groups + ",account.group_account_invoice,ar_credit_control.group_ar_credit_manager",
            company_id=cls.company.id,
        )
        cls.today = fields.Date.context_today(cls.env.user)

    @classmethod
    def _customer(cls, limit=0.0, **vals):
        return cls.env["res.partner"].create(
            {"name": "Customer", "is_company": True, "credit_limit": limit, **vals}
        )

    @classmethod
    def _order(cls, partner, amount, currency=None, user=None):
        """A quotation of ``amount`` (tax excluded, no tax) in ``currency``."""
        order_vals = {"partner_id": partner.id, "company_id": cls.company.id, "user_id": cls.rep.id}
        if currency:
            pricelist = cls.env["product.pricelist"].create(
                {"name": f"PL {currency.name}", "currency_id": currency.id}
            )
            order_vals["pricelist_id"] = pricelist.id
        order_vals["order_line"] = [
            Command.create(
                {"product_id": cls.product_a.id, "product_uom_qty": 1, "price_unit": amount, "tax_id": []}
            )
        ]
        return cls.env["sale.order"].with_user(user or cls.env.user).create(order_vals)

    @classmethod
    def _invoice(cls, partner, amount, days_overdue=-30, currency=None, post=True, move_type="out_invoice"):
        """A customer invoice of ``amount`` (no tax) due ``days_overdue`` days ago."""
        due = cls.today - timedelta(days=days_overdue)
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": min(due, cls.today),
                "invoice_date_due": due,
                "invoice_payment_term_id": False,
                "currency_id": (currency or cls.currency).id,
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "quantity": 1, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, amount, date=None):
        """Register a payment of ``amount`` (invoice currency) on ``invoice``."""
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": date or cls.today})
            ._create_payments()
        )


class ArCreditHttpCommon(ArCreditCommon, AccountTestInvoicingHttpCommon):
    """ArCreditCommon in HTTP test mode: work done on new cursors (e.g. after a
    refused confirmation is rolled back) joins the test's transaction."""

    def _end_refused_request(self):
        """Run what the rollback of a refused request runs (its post-rollback hooks)."""
        self.env.cr.postrollback.run()
        self.env.invalidate_all()


@contextlib.contextmanager
def registry_lock_released():
    """Let other threads reach the registry while this one waits for them.

    The test runner holds ``Registry._lock`` (a re-entrant lock) around the
    whole post-install test run; a worker thread building an Environment
    needs it, as an HTTP worker would in a running server.
    """
    lock = Registry._lock
    state = lock._release_save() if lock._is_owned() else None
    try:
        yield
    finally:
        if state is not None:
            lock._acquire_restore(state)


class ArCommittedDataCase(BaseCase):
    """Tests whose workers run in threads on their own connections, as HTTP or
    cron workers would: their data is committed, so each test deletes it again."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dbname = get_db_name()

    def _committed(self, func):
        """Run ``func(env)`` in a transaction of its own, committed; return its result."""
        with db_connect(self.dbname).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            result = func(env)
            cr.commit()  # pylint: disable=invalid-commit
            return result
