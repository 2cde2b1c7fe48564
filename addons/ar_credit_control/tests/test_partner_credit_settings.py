from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import ArTransactionCase


@tagged("post_install", "-at_install")
class TestPartnerCreditSettings(ArTransactionCase):
    """Only credit managers change credit settings, every change is tracked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="ar_rep",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        cls.manager = new_test_user(
            cls.env,
            login="ar_credit_mgr",
            groups="sales_team.group_sale_salesman,base.group_partner_manager,ar_credit_control.group_ar_credit_manager",
        )
        cls.customer = cls.env["res.partner"].create({"name": "Credit Settings Customer", "is_company": True})

    def test_salesperson_cannot_change_limit_grade_or_hold(self):
        partner = self.customer.with_user(self.salesman)
        for vals in (
            {"credit_limit": 5000},
            {"credit_hold": True, "credit_hold_reason": "x"},
            {"credit_review_date": "2030-01-01"},
            {"credit_limit_temp": 100},
        ):
            with self.assertRaises(AccessError):
                partner.write(vals)
        self.assertEqual(self.customer.credit_limit, 0)
        self.assertFalse(self.customer.credit_hold)
        # Ordinary fields stay editable for the rep, and the rep can read the status.
        partner.write({"phone": "+44 20 0000 0000"})
        self.assertFalse(partner.credit_hold)
        self.assertFalse(partner.credit_is_manager)

    def test_salesperson_can_create_customer_without_credit_values(self):
        partner = (
            self.env["res.partner"].with_user(self.salesman).create({"name": "New lead", "credit_limit": 0.0})
        )
        self.assertTrue(partner.exists())
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.salesman).create(
                {"name": "Self-granted", "credit_limit": 1e6}
            )

    def test_manager_changes_are_tracked(self):
        customer = self.env["res.partner"].create({"name": "Tracked Customer", "is_company": True})
        self.env.cr.flush()  # runs the pending tracking hooks, as a commit would
        partner = customer.with_user(self.manager)
        self.assertTrue(partner.credit_is_manager)
        partner.write({"credit_limit": 25000, "credit_hold": True, "credit_hold_reason": "Cheque bounced"})
        self.env.cr.flush()
        self.assertEqual(customer.credit_limit, 25000)
        tracked = customer.message_ids.tracking_value_ids
        self.assertLessEqual(
            {"credit_limit", "credit_hold", "credit_hold_reason"},
            set(tracked.field_id.mapped("name")),
        )
        self.assertEqual(tracked.mail_message_id.author_id, self.manager.partner_id)

    def test_negative_limit_and_hold_without_reason_refused(self):
        with self.assertRaisesRegex(ValidationError, "negative"):
            self.customer.credit_limit = -10
        with self.assertRaisesRegex(ValidationError, "reason"):
            self.customer.write({"credit_hold": True})

    def test_company_dependent_values(self):
        other = self.env["res.company"].create({"name": "Second Co"})
        self.customer.credit_limit = 1000
        self.assertEqual(self.customer.with_company(other).credit_limit, 0)
        self.customer.with_company(other).credit_hold = False
        self.assertEqual(self.customer.credit_limit, 1000)

    def test_visual_cues_read_right(self):
        """A zero limit reads as the company's rule; usage over 100 % is red; a limit above the
        recommendation is flagged on the assessment."""
        company = self.env.company
        company.ar_credit_zero_limit = "unlimited"
        self.customer.invalidate_recordset()
        self.assertEqual(
            (self.customer.credit_limit_label, self.customer.credit_limit_label_blocks), ("No limit", False)
        )
        company.ar_credit_zero_limit = "no_credit"
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_limit_label, "No credit (cash only)")
        self.assertTrue(self.customer.credit_limit_label_blocks)
        arch = self.env["res.partner"].get_view(
            self.env.ref("ar_credit_control.res_partner_view_list_credit").id
        )["arch"]
        self.assertIn("'overflow_class': 'bg-danger'", arch)

        assessment = self.env["ar.credit.assessment"].create({"partner_id": self.customer.id})
        assessment.approved_limit = (assessment.recommended_limit or 1000) * 2.4
        self.assertIn("above the recommended", assessment.limit_warning)
        assessment.approved_limit = assessment.recommended_limit
        self.assertFalse(assessment.limit_warning)
