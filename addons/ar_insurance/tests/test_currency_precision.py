from datetime import date, timedelta

from odoo import Command
from odoo.tests import tagged

from odoo.addons.ar_credit_control.tests.currency_common import CompanyCurrencyMixin

from .common import ArInsuranceCommon


@tagged("post_install", "-at_install")
class TestInsuranceAmountsKWD(CompanyCurrencyMixin, ArInsuranceCommon):
    """Indemnity, recoveries owed back and premium of a KWD policy keep the three decimals of the dinar."""

    currency_code = "KWD"

    def test_claim_indemnity_and_recoveries(self):
        self.policy.deductible = 1.234
        buyer = self._buyer()
        self._limit(buyer, 50)
        start = self.today - timedelta(days=120)
        invoices = self._invoice_on(buyer, 30, start, start + timedelta(days=30))
        invoices |= self._invoice_on(buyer, 25, start + timedelta(days=10), start + timedelta(days=40))
        self._refresh()
        Notification = self.env["ar.insurance.notification"]
        with Notification._ar_server_write():  # notified earlier (the state is the server's)
            notification = Notification.create(
                {
                    "policy_id": self.policy.id,
                    "partner_id": buyer.id,
                    "move_ids": [Command.set(invoices.ids)],
                    "oldest_due_date": start + timedelta(days=30),
                    "amount_overdue": 55,
                    "date_sent": self.today - timedelta(days=60),
                    "state": "notified",
                }
            )
        claim = self.env["ar.insurance.claim"].create(
            {
                "policy_id": self.policy.id,
                "partner_id": buyer.id,
                "notification_id": notification.id,
                "move_ids": [Command.set(invoices.ids)],
            }
        )
        # covered 50 (the limit), deductible 1.234, 90 %: 48.766 x 0.9 = 43.8894 -> 43.889 (not 43.89)
        self.assertRecordValues(claim, [{"covered_amount": 50, "expected_indemnity": 43.889}])
        # recovered 1.2345 after the indemnity: the insurer's 90 % is 1.11105 -> 1.111 (not 1.11)
        claim.recovery_ids = [Command.create({"amount": 1.2345})]
        self.assertEqual(claim.recovered_amount, 1.235)  # a KWD amount: three decimals
        self.assertEqual(claim.owed_to_insurer, 1.112)  # 1.235 x 0.9 = 1.1115 -> 1.112 (not 1.11)

    def test_declaration_premium(self):
        self.policy.write(
            {
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "premium_rate": 0.5,
                "declaration_frequency": "monthly",
                "country_ids": [(6, 0, self.env.ref("base.fr").ids)],
            }
        )
        buyer = self._buyer(name="French buyer")
        self._invoice_on(buyer, 12.34, date(2026, 3, 5), date(2026, 4, 5))
        declaration = self.env["ar.insurance.declaration"].create(
            {"policy_id": self.policy.id, "date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}
        )
        declaration.action_compute_lines()
        # 12.34 x 0.5 % = 0.0617 -> 0.062 (not 0.06)
        self.assertRecordValues(declaration.line_ids, [{"turnover": 12.34, "premium": 0.062}])
        self.assertRecordValues(declaration, [{"premium": 0.062}])
