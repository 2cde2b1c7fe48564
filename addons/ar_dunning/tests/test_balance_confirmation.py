from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .test_statement_portal import TestStatementPortal


@tagged("post_install", "-at_install")
class TestBalanceConfirmation(TestStatementPortal):
    """Balance confirmation (定期对账) as a process: asked, answered on the portal, followed up."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="ar_bc_accountant",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            email="accountant@example.com",
        )
        cls.customer_a.email = "accounts-a@example.com"
        cls.customer_b.email = "accounts-b@example.com"

    def _request(self, *customers):
        wizard = (
            self.env["ar.balance.confirmation.wizard"]
            .with_user(self.accountant)
            .with_context(active_model="res.partner", active_ids=[c.id for c in customers])
            .create({})
        )
        self.assertEqual(wizard.partner_ids, self.env["res.partner"].union(*customers))
        action = wizard.action_send()
        return self.env["ar.balance.confirmation"].search(action["domain"])

    def test_request_answer_on_the_portal_and_follow_up(self):
        requests = self._request(self.customer_a, self.customer_b)
        self.assertEqual(requests.mapped("state"), ["requested", "requested"])
        request_a = requests.filtered(lambda r: r.partner_id == self.customer_a)
        self.assertEqual((request_a.balance, request_a.requested_by_id), (500, self.accountant))
        sent = request_a.message_ids.filtered(lambda m: m.message_type in ("comment", "email"))
        self.assertTrue(sent.attachment_ids, "the statement goes with the request")
        self.assertIn("please confirm your balance", sent[0].subject)
        self.assertEqual(
            self._request(self.customer_a), self.env["ar.balance.confirmation"], "not asked twice"
        )

        # customer A disagrees on the portal: 450 in its books, a payment on its way
        self.authenticate(self.user_a.login, self.user_a.login)
        page = self.url_open("/my/statement").text
        self.assertIn("We ask you to confirm your balance", page)
        self.url_open(
            "/my/statement/disagree",
            data={"customer_balance": "450.00", "note": "Paid 50 on Friday", "csrf_token": self._csrf()},
        )
        self.assertEqual(
            (request_a.state, request_a.difference, request_a.customer_balance), ("disagreed", -50, 450)
        )
        self.assertEqual(request_a.user_id, self.user_a)
        todo = request_a.activity_ids
        self.assertEqual(
            (todo.user_id, todo.summary), (self.accountant, "Balance disagreed: reconcile the difference")
        )
        self.assertIn("disagrees", self.customer_a.message_ids[0].body)

        # customer B has not answered: a reminder, then it confirms
        request_b = requests - request_a
        request_b.with_user(self.accountant).action_send_reminder()
        self.assertEqual(request_b.reminder_count, 1)
        self.authenticate(self.user_b.login, self.user_b.login)
        self.url_open("/my/statement/confirm", data={"note": "Agreed", "csrf_token": self._csrf()})
        self.assertEqual(
            (request_b.state, request_b.user_id, request_b.note), ("confirmed", self.user_b, "Agreed")
        )

    def test_tour_disagree_with_a_difference(self):
        """In a real browser: the customer types the balance in its books and what differs."""
        request_a = self._request(self.customer_a)
        self.start_tour("/my/statement", "ar_portal_disagree_with_a_difference", login=self.user_a.login)
        self.assertEqual(
            (request_a.state, request_a.customer_balance, request_a.difference, request_a.note),
            ("disagreed", 450, -50, "Paid 50 on Friday"),
        )

    def test_a_customer_without_email_is_told_in_the_chatter(self):
        self.customer_a.email = False
        request = self._request(self.customer_a)
        self.assertIn("No email address", request.message_ids[0].body)
        self.assertEqual(request.state, "requested")

    def test_only_the_team_asks_and_nobody_forges_an_answer(self):
        with self.assertRaises(AccessError):
            self.env["ar.balance.confirmation"].with_user(self.rep)._ar_request(self.customer_a, self.today)
        request = self._request(self.customer_a)
        for vals in ({"state": "confirmed"}, {"balance": 1}, {"difference": 0}, {"note": "forged"}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                request.with_user(self.accountant).write(vals)
        self.assertEqual(request.state, "requested")

    def test_portal_answer_needs_a_figure_or_a_comment_and_a_number(self):
        request = self._request(self.customer_a)
        self.authenticate(self.user_a.login, self.user_a.login)
        for data in ({"customer_balance": "", "note": ""}, {"customer_balance": "1e9", "note": "x"}):
            response = self.url_open("/my/statement/disagree", data={**data, "csrf_token": self._csrf()})
            self.assertEqual(response.status_code, 400)
        self.assertEqual(request.state, "requested")
