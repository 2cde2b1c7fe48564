from odoo import api, models

from ..tools.server_fields import refuse_server_values


class SaleOrderLine(models.Model):
    """A line added to or raised on a confirmed order is checked again, as its order would be."""

    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        refuse_server_values(self, vals_list)
        order_ids = {vals["order_id"] for vals in vals_list if vals.get("order_id")}
        before = self.env["sale.order"].browse(order_ids)._ar_checked_orders()._ar_snapshot()
        lines = super().create(vals_list)
        if before:
            self.env["sale.order"].browse(list(before))._ar_recheck(before)
        return lines

    def write(self, vals):
        refuse_server_values(self, [vals])
        orders = self.order_id
        if vals.get("order_id"):
            orders |= self.env["sale.order"].browse(vals["order_id"])
        before = orders._ar_checked_orders()._ar_snapshot()
        result = super().write(vals)
        if before:
            self.env["sale.order"].browse(list(before))._ar_recheck(before)
        return result
