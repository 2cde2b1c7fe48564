"""Fields the suite adds to core models that only its server code sets.

The invoice's payment-risk figures are written in SQL by the scoring; a partner's commercial
entity is Odoo's computation. A billing user may edit invoices and partners (Odoo's rules), but
not these: a forged late probability would reorder the collectors' worklist, a rewritten
commercial entity would move a contact's orders out from under its company's limit and hold.
"""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ArCreditCommon

RISK_FIELDS = {
    "ar_late_probability": 0.99,
    "ar_expected_days_late": 120.0,
    "ar_expected_loss": 1000.0,
    "ar_risk_reasons": "forged",
    "ar_risk_method": "model",
    "ar_risk_date": "2026-01-31",
}


@tagged("post_install", "-at_install")
class TestCoreServerFields(ArCreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = new_test_user(
            cls.env,
            login="ar_test_billing",
            groups="base.group_user,base.group_partner_manager,account.group_account_manager",
            company_id=cls.company.id,
        )
        cls.customer = cls._customer(limit=1000)
        cls.invoice = cls._invoice(cls.customer, 500)

    def test_risk_figures_refused_on_write_and_create(self):
        invoice = self.invoice.with_user(self.billing)
        for fname, value in RISK_FIELDS.items():
            with self.subTest(field=fname), self.assertRaisesRegex(AccessError, fname):
                invoice.write({fname: value})
        self.assertFalse(self.invoice.ar_late_probability)
        with self.assertRaisesRegex(AccessError, "ar_late_probability"):
            self.env["account.move"].with_user(self.billing).create(
                {"move_type": "out_invoice", "partner_id": self.customer.id, "ar_late_probability": 0.1}
            )

    def test_other_invoice_fields_still_editable(self):
        """The guard names its fields only: Odoo's own edits of an invoice go on."""
        self.invoice.with_user(self.billing).write({"ref": "PO 42", "narration": "Thanks"})
        self.assertEqual(self.invoice.ref, "PO 42")

    def test_commercial_entity_is_odoos_computation(self):
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.customer.id})
        other = self._customer()
        for user in (self.rep, self.billing, self.credit_manager):
            with self.subTest(user=user.login), self.assertRaisesRegex(AccessError, "commercial_partner_id"):
                contact.with_user(user).write({"commercial_partner_id": other.id})
        self.assertEqual(contact.commercial_partner_id, self.customer)
        with self.assertRaisesRegex(AccessError, "commercial_partner_id"):
            self.env["res.partner"].with_user(self.rep).create(
                {"name": "Escapee", "parent_id": self.customer.id, "commercial_partner_id": other.id}
            )
        # moving the contact to another company (its parent) is a normal edit: the entity follows
        contact.with_user(self.rep).write({"parent_id": other.id})
        self.assertEqual(contact.commercial_partner_id, other)
