import logging
from dataclasses import replace

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import receivables
from ..tools.credit_rules import CreditFigures, usage_percent

_logger = logging.getLogger(__name__)

#: PL/pgSQL that keeps ar_credit_balance in step with every change of a posted
#: receivable journal item, whatever code path (ORM, SQL, reconciliation) makes it.
TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION ar_credit_balance_apply(
    p_partner integer, p_company integer, p_account integer, p_amount numeric
) RETURNS void AS $$
DECLARE v_commercial integer;
BEGIN
    IF p_partner IS NULL OR p_amount IS NULL OR p_amount = 0 THEN
        RETURN;
    END IF;
    PERFORM 1 FROM account_account WHERE id = p_account AND account_type = 'asset_receivable';
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT COALESCE(commercial_partner_id, id) INTO v_commercial FROM res_partner WHERE id = p_partner;
    INSERT INTO ar_credit_balance (partner_id, company_id, receivable)
         VALUES (v_commercial, p_company, p_amount)
    ON CONFLICT (partner_id, company_id)
    DO UPDATE SET receivable = ar_credit_balance.receivable + EXCLUDED.receivable;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION ar_credit_balance_aml_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.parent_state = 'posted' THEN
        PERFORM ar_credit_balance_apply(OLD.partner_id, OLD.company_id, OLD.account_id, -OLD.amount_residual);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.parent_state = 'posted' THEN
        PERFORM ar_credit_balance_apply(NEW.partner_id, NEW.company_id, NEW.account_id, NEW.amount_residual);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS ar_credit_balance_aml_insert_delete ON account_move_line;
CREATE TRIGGER ar_credit_balance_aml_insert_delete
    AFTER INSERT OR DELETE ON account_move_line
    FOR EACH ROW EXECUTE FUNCTION ar_credit_balance_aml_trigger();

DROP TRIGGER IF EXISTS ar_credit_balance_aml_update ON account_move_line;
CREATE TRIGGER ar_credit_balance_aml_update
    AFTER UPDATE OF amount_residual, parent_state, partner_id, account_id, company_id ON account_move_line
    FOR EACH ROW
    WHEN (OLD.amount_residual IS DISTINCT FROM NEW.amount_residual
          OR OLD.parent_state IS DISTINCT FROM NEW.parent_state
          OR OLD.partner_id IS DISTINCT FROM NEW.partner_id
          OR OLD.account_id IS DISTINCT FROM NEW.account_id
          OR OLD.company_id IS DISTINCT FROM NEW.company_id)
    EXECUTE FUNCTION ar_credit_balance_aml_trigger();
"""

#: Every exposure figure of a batch of commercial partners in one company, in one statement
#: (the common table expressions after ``WITH``; see FIGURES_SQL and FIGURES_FUNCTION_SQL). The
#: oldest due date is that of the oldest open item owed (``tools/receivables.py``); ``%(due)s`` and
#: ``%(open_item)s`` are its fragments (see ArCreditBalance._figures_sql).
FIGURES_BODY = """
family AS (
    SELECT id, commercial_partner_id AS cp FROM res_partner WHERE commercial_partner_id = ANY(%(ids)s)
), orders AS (
    -- what confirmed orders still commit, order by order (see ArCreditBalance._figures)
    SELECT per_order.cp, SUM(GREATEST(per_order.rest, 0) / per_order.rate) AS amount
      FROM (
        SELECT family.cp, COALESCE(NULLIF(o.currency_rate, 0), 1) AS rate,
               SUM(CASE WHEN l.is_downpayment AND l.product_uom_qty = 0 THEN -COALESCE((
                            -- down payments on non-cancelled invoices, net of deductions and refunds:
                            -- -amount_currency is the line's untaxed value signed as the receivable
                            -- (+ on an invoice, - on a credit note), price_total / price_subtotal adds
                            -- its taxes; in another currency than the order, its booked company value
                            -- (-balance) at the order's rate
                            SELECT SUM(CASE WHEN aml.currency_id = o.currency_id THEN -aml.amount_currency
                                            ELSE -aml.balance * COALESCE(NULLIF(o.currency_rate, 0), 1) END
                                       * aml.price_total / aml.price_subtotal)
                              FROM sale_order_line_invoice_rel rel
                              JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                             WHERE rel.order_line_id = l.id AND aml.parent_state <> 'cancel'
                               AND aml.price_subtotal <> 0), 0)
                        WHEN l.product_uom_qty = 0 THEN 0
                        ELSE l.price_total * LEAST(GREATEST(1 - l.qty_invoiced / l.product_uom_qty, 0), 1)
                   END) AS rest
          FROM family
          JOIN sale_order o ON o.partner_id = family.id
          JOIN sale_order_line l ON l.order_id = o.id AND l.display_type IS NULL
         WHERE o.company_id = %(company)s AND o.state = 'sale'
           AND o.invoice_status IS DISTINCT FROM 'invoiced'
      GROUP BY family.cp, o.id
           ) per_order
  GROUP BY per_order.cp
), drafts AS (
    SELECT m.commercial_partner_id AS cp,
           SUM(m.amount_total_signed) FILTER (WHERE from_order.yes) AS from_orders,
           SUM(m.amount_total_signed) FILTER (WHERE NOT from_order.yes) AS others
      FROM account_move m
     CROSS JOIN LATERAL (
            SELECT EXISTS (SELECT 1 FROM account_move_line aml
                             JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
                            WHERE aml.move_id = m.id) AS yes) from_order
     WHERE m.commercial_partner_id = ANY(%(ids)s) AND m.company_id = %(company)s
       AND m.state = 'draft' AND m.move_type IN ('out_invoice', 'out_refund')
  GROUP BY m.commercial_partner_id
), receivable AS (
    SELECT ARRAY_AGG(id) AS ids FROM account_account WHERE account_type = 'asset_receivable'
), oldest AS (
    -- no join inside the lateral: the first row of the open-items index in due-date order is the answer,
    -- so the cost stays flat whatever the number of open items (a join made PostgreSQL sort them all)
    SELECT family.cp, MIN(first.due) AS due
      FROM family
     CROSS JOIN receivable
     CROSS JOIN LATERAL (
            SELECT %(due)s AS due
              FROM account_move_line aml
             WHERE aml.partner_id = family.id AND aml.company_id = %(company)s
               AND aml.amount_residual > 0 AND %(open_item)s
          ORDER BY %(due)s
             LIMIT 1) first
  GROUP BY family.cp
)
SELECT ids.cp, balance.receivable, orders.amount, drafts.from_orders, drafts.others, oldest.due
  FROM unnest(%(ids)s::int[]) AS ids(cp)
  LEFT JOIN ar_credit_balance balance ON balance.partner_id = ids.cp AND balance.company_id = %(company)s
  LEFT JOIN orders ON orders.cp = ids.cp
  LEFT JOIN drafts ON drafts.cp = ids.cp
  LEFT JOIN oldest ON oldest.cp = ids.cp
"""
FIGURES_SQL = "WITH " + FIGURES_BODY
#: The credit check's read: the partners' rows locked and touched, then their figures, in one
#: round trip. The transaction's snapshot is older than the lock anyway (repeatable read): what
#: makes a concurrent check safe is the touch, which a second transaction fails to serialize on.
#: A function so that each database connection plans the statement once (a generic plan, kept
#: for the session): planning the five parts took three times as long as running them, on
#: every confirmation. ``%(figures)s``: FIGURES_SQL on ``p_ids`` and ``p_company``, rendered
#: when the module is installed or updated (ArCreditBalance._create_figures_function).
FIGURES_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION ar_credit_figures_locked(p_ids integer[], p_company integer)
RETURNS TABLE (o_cp integer, o_receivable numeric, o_orders numeric, o_from_orders numeric,
               o_other_drafts numeric, o_oldest date)
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    UPDATE res_partner SET id = id WHERE id = ANY(p_ids);
    RETURN QUERY
    SELECT f.cp::integer, f.receivable::numeric, f.amount::numeric, f.from_orders::numeric,
           f.others::numeric, f.due::date
      FROM (%(figures)s) f;
END $$ LANGUAGE plpgsql VOLATILE;
"""

DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS ar_credit_balance_aml_insert_delete ON account_move_line;
DROP TRIGGER IF EXISTS ar_credit_balance_aml_update ON account_move_line;
DROP FUNCTION IF EXISTS ar_credit_balance_aml_trigger();
DROP FUNCTION IF EXISTS ar_credit_balance_apply(integer, integer, integer, numeric);
DROP FUNCTION IF EXISTS ar_credit_figures_locked(integer[], integer);
"""


class ArCreditBalance(models.Model):
    """Open receivable balance per commercial partner and company.

    Maintained incrementally by a database trigger on ``account_move_line``, so
    reading a customer's exposure costs one indexed row, however many open
    items the customer has. ``_rebuild()`` recomputes it from the journal
    items (installation, nightly cron, repair).
    """

    _name = "ar.credit.balance"
    _description = "Customer Receivable Balance"
    _log_access = False
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", readonly=True)
    receivable = fields.Float(digits=0, readonly=True, help="Open posted receivables, company currency.")
    alert_flags = fields.Char(readonly=True, help="Risk signals seen by the last daily credit review.")

    _sql_constraints = [
        ("partner_company_uniq", "unique(partner_id, company_id)", "One balance per customer and company."),
    ]

    def init(self):  # pylint: disable=missing-return
        super().init()
        self.env.cr.execute(TRIGGER_SQL)
        self._create_figures_function()
        # the open items owed, in due-date order (``receivables.due_date_sql``)
        self.env.cr.execute("DROP INDEX IF EXISTS ar_credit_aml_open_due_idx")
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS ar_credit_aml_open_due_date_idx
                   ON account_move_line (partner_id, company_id, (COALESCE(date_maturity, date)))
                WHERE amount_residual > 0 AND parent_state = 'posted'"""
        )
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS ar_credit_sale_order_open_idx
                   ON sale_order (partner_id, company_id)
                WHERE state = 'sale' AND invoice_status IS DISTINCT FROM 'invoiced'"""
        )
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS ar_credit_account_move_draft_idx
                   ON account_move (commercial_partner_id, company_id)
                WHERE state = 'draft' AND move_type IN ('out_invoice', 'out_refund')"""
        )
        self._rebuild()

    @api.model
    def _rebuild(self, partner_ids=None):
        """Recompute balances from the posted receivable journal items."""
        partner_filter = (
            SQL("AND p.commercial_partner_id = ANY(%s)", list(partner_ids)) if partner_ids else SQL()
        )
        reset_filter = SQL("WHERE partner_id = ANY(%s)", list(partner_ids)) if partner_ids else SQL()
        self.env.cr.execute(SQL("UPDATE ar_credit_balance SET receivable = 0 %s", reset_filter))
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO ar_credit_balance (partner_id, company_id, receivable)
                SELECT COALESCE(p.commercial_partner_id, p.id), aml.company_id, SUM(aml.amount_residual)
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id
                                          AND acc.account_type = 'asset_receivable'
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE aml.parent_state = 'posted' AND aml.amount_residual <> 0 %s
              GROUP BY 1, 2
                ON CONFLICT (partner_id, company_id) DO UPDATE SET receivable = EXCLUDED.receivable
                """,
                partner_filter,
            )
        )
        self.invalidate_model()

    @api.model
    def _figures(
        self, partners, company, include_orders=True, include_drafts=False, overdue_amounts=True, lock=False
    ):
        """Return ``{commercial partner id: CreditFigures}`` in ``company``'s currency.

        Exposure counts every currency unit of the order-to-cash chain once,
        at the stage it has reached:

        * ``receivable``: open posted receivable items (``amount_residual``,
          company currency as booked), kept by the trigger in this table;
          payments, posted credit notes and the deduction of a posted down
          payment reduce it.
        * ``orders`` (``include_orders``), two parts:

          - what confirmed orders still commit: per order, in the order's
            currency, each line's ``price_total`` (discounts and included or
            excluded taxes applied by Odoo) times the share of its ordered
            quantity not yet on a non-cancelled invoice (``qty_invoiced``:
            draft and posted invoices add, credit notes from the order
            subtract, as Odoo counts it; the share is kept within 0..1), minus
            the down payments on non-cancelled invoices of the order (lines
            Odoo made for them: ``is_downpayment``, no ordered quantity; their
            ``price_total``, net of the deduction at the final invoice and of
            refunds; when the invoice is in another currency than the order,
            its booked company value at the order's rate). A negative rest counts 0;
            the rest is converted at the order's rate. Quantities rather than
            invoiced amounts, so an invoice in another currency or at another
            price than the order leaves no phantom rest. An order Odoo marks
            fully invoiced (``invoice_status``; down payment lines do not
            count there) commits nothing more: confirmed orders stay in state
            ``sale`` for ever, and the partial index on the others keeps the
            cost flat in the customer's history.
          - the draft invoices and credit notes created from orders, at their
            own total (``amount_total_signed``, company currency): what they
            invoice has left the order's rest above, and posting them moves
            the same amount to ``receivable``.
        * ``draft_invoices`` (``include_drafts``): draft customer invoices and
          credit notes with no line from an order.

        Cancelled invoices count nothing anywhere. One statement for the
        batch, plus the oldest open due date (read from an index, whatever the
        number of open items). The overdue amount, the only figure that reads
        every overdue item, is added by a second query when
        ``overdue_amounts`` is set; otherwise it is left unknown. With
        ``lock``, the same round trip first locks and touches the partners'
        rows (see FIGURES_FUNCTION_SQL), on the path of every order
        confirmation.
        """
        ids = sorted(set(partners.commercial_partner_id.ids))
        if not ids:
            return {}
        self.env.flush_all()
        self.env.cr.execute(self._figures_sql(ids, company, lock))
        result = {}
        for pid, receivable, orders, order_drafts, other_drafts, oldest in self.env.cr.fetchall():
            result[pid] = CreditFigures(
                receivable=float(receivable or 0.0),
                orders=float((orders or 0.0) + (order_drafts or 0.0)) if include_orders else 0.0,
                draft_invoices=float(other_drafts or 0.0) if include_drafts else 0.0,
                overdue_amount=None,
                oldest_due_date=oldest,
            )
        if overdue_amounts:
            amounts = self._query_overdue_amounts(result, company)
            result = {pid: replace(fig, overdue_amount=amounts.get(pid, 0.0)) for pid, fig in result.items()}
        return result

    @api.model
    def _figures_sql(self, ids, company, lock=False):
        """The figures statement for ``ids``: FIGURES_SQL, or with ``lock`` the locking function."""
        if lock:
            return SQL("SELECT * FROM ar_credit_figures_locked(%s, %s)", ids, company.id)
        return self._figures_body(ids, company.id)

    @api.model
    def _figures_body(self, ids, company_id):
        """FIGURES_SQL with its receivables fragments; ``ids`` and ``company_id`` are SQL or values."""
        return SQL(
            FIGURES_SQL,
            ids=ids,
            company=company_id,
            due=receivables.due_date_sql("aml"),
            open_item=receivables.open_item_sql("aml", receivable_ids=SQL("receivable.ids")),
        )

    @api.model
    def _create_figures_function(self):
        """(Re)create ``ar_credit_figures_locked`` from FIGURES_SQL and the receivables fragments.

        The body is the very statement the other readers run (one source), its
        fragments' values rendered as literals by the driver.
        """
        cr = self.env.cr
        body = self._figures_body(SQL("p_ids"), SQL("p_company"))
        figures = cr.mogrify(body.code, body.params).decode()
        cr.execute(FIGURES_FUNCTION_SQL.replace("%(figures)s", figures))

    def _query_overdue_amounts(self, figures, company):
        """Overdue open amount of the partners that have an overdue item."""
        today = company._ar_today()
        late = [pid for pid, fig in figures.items() if fig.oldest_due_date and fig.oldest_due_date < today]
        if not late:
            return {}
        self.env.cr.execute(
            SQL(
                """SELECT items.partner_id, SUM(items.residual)
                     FROM (%s) items
                    WHERE %s
                 GROUP BY items.partner_id""",
                receivables.open_items_sql(company.id, today, as_of=False, partner_ids=late),
                receivables.overdue_sql("items"),
            )
        )
        return {pid: float(amount) for pid, amount in self.env.cr.fetchall()}

    # ------------------------------------------------------------------
    # Daily review
    # ------------------------------------------------------------------
    @api.model
    def _cron_daily_review(self, batch_size=1000):
        """Repair balances, then alert credit managers of reviews due and worsening risks.

        Risk signals per customer (overdue beyond tolerance, usage above 90 %)
        are compared with those seen the day before, so only new ones raise an
        activity. Commits after every batch, so an interrupted run resumes.
        """
        self = self.sudo()  # noqa: PLW0642 - the review covers every company, as the cron user
        self._rebuild()
        self.env.cr.commit()  # pylint: disable=invalid-commit
        for company in self.env["res.company"].search([("ar_credit_check_mode", "!=", "off")]):
            self.with_company(company)._review_company(company, batch_size)

    def _review_company(self, company, batch_size):
        partner_model = self.env["res.partner"].with_company(company)
        today = company._ar_today()
        due = partner_model.search([("credit_review_date", "<=", today), ("parent_id", "=", False)])
        due._ar_alert_managers(company, self.env._("Credit review due"))
        self.env.cr.commit()  # pylint: disable=invalid-commit
        balances = self.search([("company_id", "=", company.id)], order="id")
        for start in range(0, len(balances), batch_size):
            batch = balances[start : start + batch_size]
            figures = batch.partner_id.with_company(company)._ar_credit_figures_batch(
                company, overdue_amounts=False
            )
            for balance in batch:
                balance._review_one(company, figures.get(balance.partner_id.id), today)
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _review_one(self, company, figures, today):
        if figures is None:
            return
        partner = self.partner_id.with_company(company)
        customer = partner._ar_customer_credit()
        tolerance = customer.tolerance_days
        if tolerance is None:
            tolerance = company.ar_credit_overdue_tolerance_days
        flags = set()
        if figures.overdue_days(today) > tolerance:
            flags.add("overdue")
        if customer.limit and usage_percent(figures.exposure, customer.limit) > 90:
            flags.add("usage90")
        new = flags - set((self.alert_flags or "").split(","))
        if new:
            labels = {
                "overdue": self.env._("newly overdue beyond tolerance"),
                "usage90": self.env._("credit usage above 90 %"),
            }
            partner._ar_alert_managers(
                company,
                self.env._("Risk worsened: %(signals)s", signals=", ".join(labels[f] for f in sorted(new))),
            )
        self.alert_flags = ",".join(sorted(flags)) or False
