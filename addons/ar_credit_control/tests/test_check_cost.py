"""What the credit check costs a confirmation, in queries (never in time: see tests/benchmarks)."""

from unittest.mock import patch

import odoo.sql_db
from odoo.tests import tagged

from .common import ArCreditCommon


@tagged("post_install", "-at_install")
class TestCheckCost(ArCreditCommon):
    """The check reads the exposure in one round trip and nothing it does not need.

    Each test fails when one of the costs the side-by-side benchmark found
    comes back: a second statement for the exposure, the tax engine run again
    on the lines, every property of the partner read with one of them.
    """

    def _confirm_logged(self, order, mode):
        """Confirm ``order`` with the company's check in ``mode``, caches cold; return its SQL statements."""
        self.company.ar_credit_check_mode = mode
        self.env.flush_all()
        self.env.invalidate_all()
        statements = []
        execute = odoo.sql_db.Cursor.execute

        def logged(cursor, query, params=None, log_exceptions=True):
            statements.append(str(getattr(query, "code", query)))
            return execute(cursor, query, params, log_exceptions)

        with patch.object(odoo.sql_db.Cursor, "execute", logged):
            # with the chatter's tracking, as in production (the test classes turn it off)
            order.with_context(tracking_disable=False, mail_notrack=False).action_confirm()
            self.env.flush_all()
        self.assertEqual(order.state, "sale")
        return statements

    def test_block_mode_reads_one_statement_more_than_the_check_off(self):
        customer = self._customer(limit=1_000_000)
        self._invoice(customer, 500)
        for mode in ("off", "block"):  # the first confirmations fill the registry's caches
            self._confirm_logged(self._order(customer, 100), mode)
        off = self._confirm_logged(self._order(customer, 100), "off")
        block = self._confirm_logged(self._order(customer, 100), "block")
        self.assertEqual(len(block), len(off) + 1, "\n".join(block))
        self.assertEqual(sum("ar_credit_figures_locked" in query for query in block), 1)

    def test_no_property_of_the_partner_is_read_but_the_credit_settings(self):
        customer = self._customer(limit=1_000_000)
        for mode in ("off", "block"):
            statements = self._confirm_logged(self._order(customer, 100), mode)
            partner_reads = [q for q in statements if q.lstrip().startswith('SELECT "res_partner"."id"')]
            for query in partner_reads:
                with self.subTest(mode=mode):
                    self.assertNotIn("property_product_pricelist", query)
                    self.assertNotIn("property_account_receivable_id", query)

    def test_no_related_field_of_the_suite_is_tracked_on_core_documents(self):
        """A tracked related field is read on every write of the document, for the chatter.

        The order's Grade (``partner_id.commercial_partner_id.credit_grade_id``)
        inherited the grade's tracking: each write of any order read every
        company-dependent property of its customer. Every model with a chatter
        is enumerated, so a new related field of the suite on a core model is
        covered too.
        """
        for model in self.env.registry:
            records = self.env[model]
            if not hasattr(records, "_track_get_fields") or model.startswith("ar."):
                continue  # the suite's own models may track what they show
            for name in records._track_get_fields():
                field = records._fields[name]
                if any(module.startswith("ar_") for module in field._modules):
                    with self.subTest(model=model, field=name):
                        self.assertFalse(field.related, f"{model}.{name} is a tracked related field")

    def test_the_lines_taxes_are_not_computed_again(self):
        """The check's amount is the ORM's total: the tax engine is not run again for it."""
        order = self._order(self._customer(limit=1_000_000), 100)
        order.order_line.tax_id = self.tax_sale_a  # 15 %
        self.env.flush_all()
        with patch.object(
            type(self.env["account.tax"]), "_add_tax_details_in_base_lines", side_effect=AssertionError
        ):
            self.assertEqual(order._ar_amount_company(), 115)
