from datetime import timedelta

from odoo import Command

from odoo.addons.ar_credit_control.tests.common import ArCreditCommon


class ArInsuranceCommon(ArCreditCommon):
    """A company with an active policy (USD, 90 %, deductible 1,000, discretionary limit 25,000)."""

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("ar_insurance.group_ar_insurance_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.insurer = cls.env["res.partner"].create({"name": "Insurer", "is_company": True})
        cls.policy = cls.env["ar.insurance.policy"].create(
            {
                "number": "POL-T",
                "insurer_id": cls.insurer.id,
                "company_id": cls.company.id,
                "currency_id": cls.currency.id,
                "date_start": cls.today - timedelta(days=300),
                "date_end": cls.today + timedelta(days=300),
                "indemnity_percent": 90.0,
                "deductible": 1000.0,
                "discretionary_limit": 25000.0,
                "notification_days": 30,
                "claim_days": 150,
                "premium_rate": 0.5,
                "state": "active",
            }
        )
        cls.Receivable = cls.env["ar.insurance.receivable"]

    @classmethod
    def _buyer(cls, name="Buyer", country="base.fr", **vals):
        return cls._customer(name=name, country_id=cls.env.ref(country).id, **vals)

    @classmethod
    def _limit(cls, buyer, requested, granted=None, state="approved", policy=None, **vals):
        """A buyer limit in ``state`` (granted = requested unless given), recorded as by the server."""
        Limit = cls.env["ar.insurance.limit"]
        with Limit._ar_server_write():
            return Limit.create(
                {
                    "policy_id": (policy or cls.policy).id,
                    "partner_id": buyer.id,
                    "requested_amount": requested,
                    "granted_amount": requested if granted is None else granted,
                    "state": state,
                    **vals,
                }
            )

    @classmethod
    def _invoice_on(cls, partner, amount, invoice_date, due_date, currency=None, move_type="out_invoice"):
        """A posted customer invoice (or credit note) of ``amount`` without tax, at fixed dates."""
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due_date,
                "invoice_payment_term_id": False,
                "currency_id": (currency or cls.currency).id,
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "quantity": 1, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        move.action_post()
        return move

    def _refresh(self, policy=None):
        self.Receivable._refresh(policy or self.policy)

    def _line(self, move, policy=None):
        """The insured receivable of ``move`` (fails when there is none)."""
        line = self.Receivable.search(
            [("move_id", "=", move.id), ("policy_id", "=", (policy or self.policy).id)]
        )
        self.assertEqual(len(line), 1, f"one insured receivable expected for {move.name}")
        return line
