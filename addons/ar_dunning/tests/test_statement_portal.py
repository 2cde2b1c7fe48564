from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.ar_credit_control.tests.common import ArCreditHttpCommon


@tagged("post_install", "-at_install")
class TestStatementPortal(ArCreditHttpCommon):
    """The customer portal statement: each customer sees and acts on its own account only."""

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("ar_dunning.group_ar_dunning_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_a = cls._customer(name="Portal Customer A")
        cls.customer_b = cls._customer(name="Portal Customer B")
        cls.invoice_a = cls._invoice(cls.customer_a, 500)
        cls.invoice_b = cls._invoice(cls.customer_b, 700)
        cls.user_a = cls._portal_user(cls.customer_a, "ar_portal_a")
        cls.user_b = cls._portal_user(cls.customer_b, "ar_portal_b")

    @classmethod
    def _portal_user(cls, customer, login):
        contact = cls.env["res.partner"].create(
            {"name": f"{customer.name} Contact", "parent_id": customer.id, "email": f"{login}@example.com"}
        )
        return new_test_user(
            cls.env, login=login, password=login, groups="base.group_portal", partner_id=contact.id
        )

    def _disputes(self, invoice):
        return self.env["ar.dispute"].search([("move_id", "=", invoice.id)])

    def test_customer_sees_own_statement(self):
        self.authenticate(self.user_a.login, self.user_a.login)
        response = self.url_open("/my/statement")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.invoice_a.name, response.text)
        self.assertNotIn(self.invoice_b.name, response.text)
        response = self.url_open("/my/statement/pdf")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        home = self.url_open("/my/home")
        self.assertIn("Statement of Account", home.text)

    @mute_logger("odoo.http")
    def test_other_customer_is_refused(self):
        self.authenticate(self.user_a.login, self.user_a.login)
        response = self.url_open(f"/my/statement/pdf?partner_id={self.customer_b.id}")
        self.assertIn(response.status_code, (403, 404))
        response = self.url_open(
            f"/my/statement/dispute/{self.invoice_b.id}",
            data={"reason": "Not mine", "csrf_token": self._csrf()},
        )
        self.assertIn(response.status_code, (403, 404))
        self.assertFalse(self._disputes(self.invoice_b))
        response = self.url_open(
            "/my/statement/promise",
            data={
                "date": "2099-01-01",
                "amount": "10",
                "move_ids": str(self.invoice_b.id),
                "csrf_token": self._csrf(),
            },
        )
        self.assertIn(response.status_code, (403, 404))
        self.assertFalse(self.env["ar.payment.promise"].search([("partner_id", "=", self.customer_a.id)]))

    def _csrf(self):
        """A CSRF token of the current session, read from the statement page."""
        page = self.url_open("/my/statement").text
        marker = 'name="csrf_token" value="'
        start = page.index(marker) + len(marker)
        return page[start : page.index('"', start)]

    def test_dispute_confirm_and_promise(self):
        self.authenticate(self.user_a.login, self.user_a.login)
        response = self.url_open(
            f"/my/statement/dispute/{self.invoice_a.id}",
            data={"reason": "Wrong price", "amount": "200", "csrf_token": self._csrf()},
        )
        self.assertEqual(response.status_code, 200)
        dispute = self._disputes(self.invoice_a)
        self.assertEqual((dispute.amount, dispute.reason, dispute.state), (200, "Wrong price", "open"))
        self.url_open("/my/statement/confirm", data={"note": "OK", "csrf_token": self._csrf()})
        confirmation = self.env["ar.balance.confirmation"].search([("partner_id", "=", self.customer_a.id)])
        self.assertEqual(
            (confirmation.balance, confirmation.note, confirmation.user_id), (500, "OK", self.user_a)
        )
        self.assertIn("confirmed", self.customer_a.message_ids[0].body)
        self.url_open(
            "/my/statement/promise",
            data={
                "date": str(fields.Date.today() + timedelta(days=30)),
                "amount": "300",
                "move_ids": str(self.invoice_a.id),
                "csrf_token": self._csrf(),
            },
        )
        promise = self.env["ar.payment.promise"].search([("partner_id", "=", self.customer_a.id)])
        self.assertEqual((promise.amount, promise.move_ids), (300, self.invoice_a))

    def test_portal_dispute_reaches_its_owner_and_marks_the_invoice(self):
        """The customer's collector (else the invoice's salesperson) owns the dispute and gets a to-do;
        the statement shows the invoice as disputed instead of offering a second dispute."""
        collector = new_test_user(
            self.env, login="ar_portal_collector", groups="base.group_user,ar_dunning.group_ar_dunning_user"
        )
        self.customer_a.with_company(self.company).ar_collector_id = collector
        rep = new_test_user(self.env, login="ar_portal_rep", groups="base.group_user")
        invoice_2 = self._invoice(self.customer_a, 300)
        invoice_b2 = self._invoice(self.customer_b, 200)
        invoice_b2.invoice_user_id = rep
        self.authenticate(self.user_a.login, self.user_a.login)
        page = self.url_open("/my/statement").text
        self.assertEqual(page.count("o_ar_dispute_form"), 2)  # both invoices can be disputed
        self.assertIn('max="500.0"', page)  # the client refuses more than the open amount
        response = self.url_open(
            f"/my/statement/dispute/{self.invoice_a.id}",
            data={"reason": "Goods damaged", "amount": "120", "csrf_token": self._csrf()},
        )
        self.assertEqual(response.status_code, 200)
        dispute = self._disputes(self.invoice_a)
        self.assertEqual(dispute.owner_id, collector)
        activity = dispute.activity_ids
        self.assertEqual((len(activity), activity.user_id), (1, collector))
        self.assertIn(self.invoice_a.name, activity.summary)
        page = self.url_open("/my/statement").text
        self.assertEqual(page.count("o_ar_disputed_badge"), 1)
        self.assertEqual(page.count("o_ar_dispute_form"), 1)  # only invoice_2 is still open to dispute
        self.assertIn(invoice_2.name, page)
        # a customer without a collector: the invoice's salesperson follows it
        self.authenticate(self.user_b.login, self.user_b.login)
        self.url_open(
            f"/my/statement/dispute/{invoice_b2.id}",
            data={"reason": "Never ordered", "csrf_token": self._csrf()},
        )
        dispute_b = self._disputes(invoice_b2)
        self.assertEqual((dispute_b.owner_id, dispute_b.activity_ids.user_id), (rep, rep))

    def test_dunning_letters_page(self):
        self.authenticate(self.user_a.login, self.user_a.login)
        response = self.url_open("/my/dunning")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Reminders and Letters", response.text)

    def test_tour_confirm_and_dispute(self):
        self.start_tour("/my/statement", "ar_portal_confirm_and_dispute", login=self.user_a.login)
        self.assertEqual(self._disputes(self.invoice_a).reason, "Goods damaged on delivery")
        confirmation = self.env["ar.balance.confirmation"].search([("partner_id", "=", self.customer_a.id)])
        self.assertEqual(confirmation.note, "Balance agreed")

    @mute_logger("odoo.http")
    def test_bad_amounts_and_dates_are_refused(self):
        """Portal amounts and dates are parsed strictly: a 400 with the reason, nothing written."""
        self.authenticate(self.user_a.login, self.user_a.login)
        for amount in ("inf", "1e308", "-5", "abc", "nan", "0", "1,000", "12.345"):
            response = self.url_open(
                f"/my/statement/dispute/{self.invoice_a.id}",
                data={"reason": "Wrong price", "amount": amount, "csrf_token": self._csrf()},
            )
            self.assertEqual(response.status_code, 400, amount)
            self.assertIn("Please type the amount as a positive number", response.text, amount)
        self.assertFalse(self._disputes(self.invoice_a))
        promise = {"amount": "100", "move_ids": str(self.invoice_a.id)}
        for date in ("9999-12-31", "0001-01-01", "31/12/2026"):
            response = self.url_open(
                "/my/statement/promise", data={**promise, "date": date, "csrf_token": self._csrf()}
            )
            self.assertEqual(response.status_code, 400, date)
            self.assertIn("Please give a date as YYYY-MM-DD", response.text, date)
        far = str(fields.Date.today() + timedelta(days=91))
        response = self.url_open(
            "/my/statement/promise", data={**promise, "date": far, "csrf_token": self._csrf()}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("is more than 90 days away", response.text)
        self.assertFalse(self.env["ar.payment.promise"].search([("partner_id", "=", self.customer_a.id)]))
        for query in (
            "date_to=0001-01-01",
            "date_from=2026-13-01",
            "date_from=2026-02-01&date_to=2026-01-01",
        ):
            response = self.url_open(f"/my/statement/pdf?{query}")
            self.assertEqual(response.status_code, 400, query)
        # an empty amount disputes the whole open amount, as before
        response = self.url_open(
            f"/my/statement/dispute/{self.invoice_a.id}",
            data={"reason": "All wrong", "csrf_token": self._csrf()},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._disputes(self.invoice_a).amount, 500)
