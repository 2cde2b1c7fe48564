from odoo import api, models
from odoo.tools import SQL


class ArDunningPauseMixin(models.AbstractModel):
    """A document that takes its invoices out of the dunning while it holds (a promise to pay not
    yet due, a payment plan being kept).

    One definition for every such document: each says which invoices it links and when it holds
    (``_ar_pause_*``), and the dunning run asks every model inheriting this mixin, read from the
    registry, for one ``EXISTS`` condition (``_ar_pauses_dunning_sql``). A new kind of pause is
    one more model inheriting it, never a second copy of the rule in the run. A pause holds only
    the invoices of its own company, the invoice's: a document of another company never holds an
    invoice, even one linked by error.
    """

    _name = "ar.dunning.pause.mixin"
    _description = "Pauses the Dunning of its Invoices"

    #: the many2many field linking the document to the invoices it pauses
    _ar_pause_invoices_field = "move_ids"

    @api.model
    def _ar_pause_holds_sql(self, alias, date):
        """Condition on the document ``alias`` (its table): it holds its invoices on ``date``."""
        raise NotImplementedError(f"{self._name} must say when it pauses the dunning")

    @api.model
    def _ar_pauses_dunning_sql(self, move_alias, date):
        """``EXISTS`` condition on invoice ``move_alias``: a document of this model holds it on ``date``."""
        field = self._fields[self._ar_pause_invoices_field]
        doc = SQL.identifier("pause_doc")
        return SQL(
            """EXISTS (SELECT 1 FROM %(rel)s rel
                         JOIN %(table)s pause_doc ON pause_doc.id = rel.%(doc_col)s
                        WHERE rel.%(move_col)s = %(move)s.id AND pause_doc.company_id = %(move)s.company_id
                          AND %(holds)s)""",
            rel=SQL.identifier(field.relation),
            table=SQL.identifier(self._table),
            doc_col=SQL.identifier(field.column1),
            move_col=SQL.identifier(field.column2),
            move=SQL.identifier(move_alias),
            holds=self._ar_pause_holds_sql(doc, date),
        )

    @api.model
    def _ar_all_pauses_sql(self, move_alias, date):
        """Condition on invoice ``move_alias``: some pausing document holds it on ``date``."""
        conditions = [
            self.env[name]._ar_pauses_dunning_sql(move_alias, date)
            for name in sorted(self.env.registry[self._name]._inherit_children)
            if not self.env[name]._abstract
        ]
        return SQL("(%s)", SQL(" OR ").join(conditions)) if conditions else SQL("FALSE")
