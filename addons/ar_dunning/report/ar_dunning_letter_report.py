from odoo import api, models

from odoo.addons.ar_credit_control.tools.access import check_receivable_access


class ReportDunningLetter(models.AbstractModel):
    """Values of the dunning letter PDF, once the caller is known to be allowed to read it."""

    _name = "report.ar_dunning.report_dunning_letter"
    _description = "Dunning Letter Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        """The communications of ``docids``: readable by the user, and their customers' receivables too.

        ``/report/html|pdf/...`` is open to every logged-in user; the portal
        prints its customer's letters through its own route, in sudo, after
        checking the communication is the customer's and was sent.
        """
        comms = self.env["ar.dunning.communication"].browse(docids)
        if not self.env.su:
            comms.check_access("read")
        check_receivable_access(comms.partner_id)
        return {"doc_ids": docids, "doc_model": "ar.dunning.communication", "docs": comms}
