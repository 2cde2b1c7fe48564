from odoo.tests import tagged

from .common import ArCreditHttpCommon


@tagged("post_install", "-at_install")
class TestCreditCheckTours(ArCreditHttpCommon):
    """The screens a rep and a credit manager click, in a real browser."""

    def test_rep_blocked_then_released_by_credit_manager(self):
        customer = self._customer(limit=1000, name="Tour Customer Ltd")
        self._invoice(customer, 800)
        order = self._order(customer, 500, user=self.rep)
        url = f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}"

        self.start_tour(url, "ar_credit_rep_blocked", login=self.rep.login)
        order.invalidate_recordset()
        self.assertEqual((order.state, order.credit_check_state), ("draft", "blocked"))

        self.start_tour(url, "ar_credit_manager_release", login=self.credit_manager.login)
        self.assertEqual(order.credit_release_ids.reason, "Deposit of 50% received by wire")

        self.start_tour(url, "ar_credit_rep_confirms_released", login=self.rep.login)
        order.invalidate_recordset()
        self.assertEqual((order.state, order.credit_check_state), ("sale", "released"))
