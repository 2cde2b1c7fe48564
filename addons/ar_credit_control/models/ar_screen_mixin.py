from odoo import api, models


class ArScreenMixin(models.AbstractModel):
    """A screen of the suite with no name of its own (a report, dashboard or wizard): its title names it.

    Without a name Odoo shows the technical ``ar.credit.kpi,3`` in breadcrumbs and
    dialog titles. The default title is the model's description, translated;
    a screen overrides ``_ar_screen_title`` to say what it shows.
    """

    _name = "ar.screen.mixin"
    _description = "Titled Screen of the Credit Suite"

    @api.depends_context("lang")
    def _compute_display_name(self):
        for record in self:
            record.display_name = record._ar_screen_title()

    def _ar_screen_title(self):
        return self.env["ir.model"]._get(self._name).name or self._description
