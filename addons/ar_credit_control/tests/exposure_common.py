from odoo import Command

from .common import ArCreditCommon


class ExposureCommon(ArCreditCommon):
    """Orders, invoices, down payments and credit notes made as Odoo's sale flow makes them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR")  # 1 company currency = 2 EUR today
        cls.tax_excl = cls.env["account.tax"].create(
            {"name": "Sales 15 % excl.", "amount": 15, "amount_type": "percent", "type_tax_use": "sale"}
        )
        cls.tax_incl = cls.env["account.tax"].create(
            {
                "name": "Sales 10 % incl.",
                "amount": 10,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
            }
        )
        cls.product_a.write({"invoice_policy": "order", "taxes_id": [Command.clear()]})
        cls.product_b.write({"invoice_policy": "delivery", "taxes_id": [Command.clear()]})
        cls.pricelists = {
            currency: cls.env["product.pricelist"].create(
                {"name": f"Exposure {currency.name}", "currency_id": currency.id}
            )
            for currency in cls.currency | cls.eur
        }

    def _line(self, qty, price, discount=0.0, taxes=None, product=None):
        return Command.create(
            {
                "product_id": (product or self.product_a).id,
                "product_uom_qty": qty,
                "price_unit": price,
                "discount": discount,
                "tax_id": [Command.set(taxes.ids if taxes else [])],
            }
        )

    def _sale(self, partner, lines, currency=None, confirm=True):
        """A sale order of ``lines``: ``(qty, price_unit[, discount %[, taxes[, product]]])`` tuples."""
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "company_id": self.company.id,
                "pricelist_id": self.pricelists[currency or self.currency].id,
                "order_line": [self._line(*line) for line in lines],
            }
        )
        if confirm:
            order.action_confirm()
        return order

    def _down_payment(self, order, percent=None, fixed=None):
        """A down payment invoice (draft) made by Odoo's wizard."""
        vals = (
            {"advance_payment_method": "percentage", "amount": percent}
            if percent is not None
            else {"advance_payment_method": "fixed", "fixed_amount": fixed}
        )
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids, active_id=order.id)
            .create(vals)
        )
        return wizard._create_invoices(order)

    @staticmethod
    def _set_quantities(invoice, quantities):
        """Change the quantities of a draft invoice's product lines (a partial invoice)."""
        lines = invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        invoice.write(
            {
                "invoice_line_ids": [
                    Command.update(line.id, {"quantity": qty})
                    for line, qty in zip(lines, quantities, strict=False)
                ]
            }
        )
        return invoice

    def _credit_note(self, invoice, post=False):
        """A credit note of ``invoice`` by Odoo's reversal wizard (its lines keep the order links)."""
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "date": self.today})
        )
        action = wizard.refund_moves()
        refund = self.env["account.move"].browse(action["res_id"])
        if post:
            refund.action_post()
        return refund

    def _exposure(self, partner):
        return partner._ar_credit_figures(self.company).exposure
