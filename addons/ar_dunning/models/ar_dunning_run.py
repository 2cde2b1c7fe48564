import logging
import random
import time

import psycopg2.errors

from odoo import api, fields, models
from odoo.tools import SQL, split_every

from odoo.addons.ar_credit_control.const import INSOLVENCY_ACTIVE_STATES
from odoo.addons.ar_credit_control.tools import receivables
from odoo.addons.ar_credit_control.tools.access import check_rights

from ..const import COMMUNICATION_PENDING_STATES, GROUP_DUNNING_MANAGER
from ..tools import dunning_rules
from ..tools.dispute_sql import dunned_items_sql

_logger = logging.getLogger(__name__)
#: first key of the session advisory lock held while a run is prepared (second key: the run id)
PREPARE_LOCK_KEY = 0x41525052

#: Customers out of the dunning on a date: under an open insolvency case of the invoice's company
#: (the administrator collects, not the dunning). Invoices paused by a document (promise to pay,
#: payment plan) are the ``ar.dunning.pause.mixin``'s; a dispute holds only the part it disputes
#: (see ``tools/dispute_sql.py``), not the whole invoice.
INSOLVENT_SQL = """
    EXISTS (SELECT 1 FROM ar_insolvency_case ic
                WHERE ic.partner_id = m.commercial_partner_id AND ic.company_id = m.company_id
                  AND ic.state = ANY(%(insolvent)s))
"""

#: First key of the advisory lock taken while finding or creating a company's run of the day.
RUN_LOCK_KEY = 0x41524455

#: Counters of a run, incremented batch by batch.
COUNTERS = (
    "customer_count",
    "processed_count",
    "communication_count",
    "sent_count",
    "review_count",
    "failed_count",
)


class ArDunningRun(models.Model):
    """A dunning run of one company on one date.

    The customers with overdue items are selected in one query, then
    processed in batches, each in its own transaction: the batch's customer
    status rows are locked with ``FOR UPDATE SKIP LOCKED`` (two workers never
    take the same customer) and stamped with the run date (a run started
    again, after a crash or on purpose, skips the customers already done).
    """

    _name = "ar.dunning.run"
    _description = "Dunning Run"
    _inherit = ["ar.server.fields.mixin", "ar.input.bounds.mixin"]
    _ar_bounds_exempt = ("log",)
    _order = "date desc, id desc"
    _check_company_auto = True
    #: What the run did, written by the run only (see ``ar.server.fields.mixin``).
    _ar_server_fields = (
        "state",
        "customer_count",
        "processed_count",
        "communication_count",
        "sent_count",
        "review_count",
        "failed_count",
        "log",
    )

    name = fields.Char(compute="_compute_name")
    date = fields.Date(required=True, default=lambda self: self.env.company._ar_today(), readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, readonly=True
    )
    partner_ids = fields.Many2many("res.partner", string="Only Customers", readonly=True, check_company=True)
    dry_run = fields.Boolean(
        readonly=True, help="Only list what the run would do; nothing is created or sent."
    )
    batch_size = fields.Integer(default=200, readonly=True)
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("done", "Done")],
        default="draft",
        required=True,
        readonly=True,
    )
    customer_count = fields.Integer(string="Customers", readonly=True)
    processed_count = fields.Integer(string="Processed", readonly=True)
    communication_count = fields.Integer(string="Communications", readonly=True)
    sent_count = fields.Integer(string="Sent", readonly=True)
    review_count = fields.Integer(string="To Review", readonly=True)
    failed_count = fields.Integer(string="Failed", readonly=True)
    communication_ids = fields.One2many("ar.dunning.communication", "run_id", string="Communication List")
    log = fields.Text(readonly=True)

    @api.depends("date", "company_id")
    def _compute_name(self):
        for run in self:
            run.name = self.env._(
                "Dunning run %(date)s (%(company)s)", date=run.date, company=run.company_id.name
            )

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    @api.model
    def _cron_dunning(self):
        """Daily run of every company that has dunning levels; resumes today's unfinished run.

        Several cron jobs running this method at once (see CONFIGURE.md) join
        the same run of each company and share its customers.
        """
        self = self.sudo()  # noqa: PLW0642 - the cron covers every company

        def check_promises_and_plans():
            self.env["ar.payment.promise"]._cron_check()
            self.env["ar.payment.plan"]._cron_check()
            self._commit()

        self._retry_serialization(check_promises_and_plans)
        companies = self.env["ar.dunning.level"].search([("policy_id.active", "=", True)]).company_id
        for company in companies:
            run = self._todays_run(company)
            run.with_company(company)._execute()

    def _todays_run(self, company):
        """Today's daily run of ``company`` (done or not), created if missing; committed.

        A session advisory lock per company makes a second worker wait until
        the first one has committed the run it created, then find it. A worker
        that starts after today's run is done finds it done and does nothing:
        no second, empty run is created for the same day.
        """
        today = company._ar_today()
        self.env.cr.execute(SQL("SELECT pg_advisory_lock(%s, %s)", RUN_LOCK_KEY, company.id))
        try:
            self._commit()  # a fresh snapshot, taken after the lock
            domain = [
                ("company_id", "=", company.id),
                ("date", "=", today),
                ("dry_run", "=", False),
                ("partner_ids", "=", False),
            ]
            run = (
                self.search([*domain, ("state", "!=", "done")], limit=1)
                or self.search(domain, limit=1)
                or self.create({"company_id": company.id, "date": today})
            )
            self._commit()
        finally:
            self.env.cr.execute(SQL("SELECT pg_advisory_unlock(%s, %s)", RUN_LOCK_KEY, company.id))
        return run

    def action_start(self):
        """Run (or resume) the dunning: a collections manager's, on runs of its companies."""
        check_rights(self, GROUP_DUNNING_MANAGER)
        for run in self:
            run.with_company(run.company_id)._execute()
        return True

    def _commit(self):
        """Commit the work done so far; tests replace this to stay in their transaction."""
        self.env.cr.commit()  # pylint: disable=invalid-commit

    # ------------------------------------------------------------------
    # The run
    # ------------------------------------------------------------------
    def _execute(self):
        """Select the customers, then process them batch by batch with a commit after each.

        Several workers may execute the same run at once (two cron jobs, see
        CONFIGURE.md): each locks the batch's customers ``SKIP LOCKED`` and
        skips those already done, so each customer is processed by one of
        them. The counters are computed from the run's communications and
        statuses at the end, so the workers never write the run's row while
        they process batches.
        """
        self.ensure_one()
        if self.state == "done":
            return
        with self._ar_server_write("ar.dunning.communication"):
            self._execute_batches()

    def _execute_batches(self):
        partner_ids = self._retry_serialization(self._prepare)
        for batch in split_every(self.batch_size or 200, partner_ids):
            self._retry_serialization(lambda batch=list(batch): self._process_batch_and_commit(batch))
        if self.dry_run:
            self.state = "done"
            self._commit()
        else:
            self._retry_serialization(lambda: self._finish(partner_ids))

    def _process_batch_and_commit(self, partner_ids):
        """Process one batch and commit it: the unit a serialization failure rolls back and retries.

        A worker whose snapshot predates another worker's commit of the same
        customers fails to lock them (``FOR UPDATE`` in repeatable read); on
        the retry, its fresh snapshot shows them done and it skips them.
        """
        self._process_batch(partner_ids)
        self._commit()

    def _prepare(self):
        """Select the customers, create their status rows, mark the run running; commit.

        Workers starting the same run prepare it one after the other (a
        session advisory lock on the run, then a fresh snapshot): the next one
        finds the status rows the previous one created instead of colliding
        with its inserts.
        """
        self.env.cr.execute(SQL("SELECT pg_advisory_lock(%s, %s)", PREPARE_LOCK_KEY, self.id))
        try:
            self._commit()  # a fresh snapshot, taken after the lock
            partner_ids = self._select_customers()
            if not self.dry_run:
                self._ensure_statuses(partner_ids)
            if self.state != "running" or self.customer_count != len(partner_ids):
                self.write({"state": "running", "customer_count": len(partner_ids)})
            self._commit()
        except psycopg2.Error:
            self.env.cr.rollback()  # the unlock below needs a usable transaction
            raise
        finally:
            self.env.cr.execute(SQL("SELECT pg_advisory_unlock(%s, %s)", PREPARE_LOCK_KEY, self.id))
        return partner_ids

    def _finish(self, partner_ids):
        """Compute the counters from what the run did; commit.

        The run is done once none of its customers is left: a customer still
        held by another worker (or left by a worker that died) keeps it
        running, for that worker to finish it, or for the next start to resume.
        """
        counts = dict.fromkeys(COUNTERS[1:], 0)
        for state, count in self.env["ar.dunning.communication"]._read_group(
            [("run_id", "=", self.id)], ["state"], ["__count"]
        ):
            counts["communication_count"] += count
            key = {"sent": "sent_count", "to_send": "review_count", "failed": "failed_count"}.get(state)
            if key:
                counts[key] += count
        counts["processed_count"] = self.env["ar.dunning.customer"].search_count(
            [("last_run_id", "=", self.id)]
        )
        # failed ones, and sent ones that could not do everything (an SMS without a number)
        failed = self.communication_ids.filtered(lambda c: c.error and c.state in ("failed", "sent"))
        lines = [
            self.env._("%(customer)s: %(error)s", customer=comm.partner_id.display_name, error=comm.error)
            for comm in failed
        ]
        self.env.cr.execute(
            SQL(
                """SELECT COUNT(*) FROM ar_dunning_customer
                    WHERE company_id = %s AND partner_id = ANY(%s)
                      AND (last_run_date IS NULL OR last_run_date < %s)""",
                self.company_id.id,
                partner_ids,
                self.date,
            )
        )
        state = "running" if self.env.cr.fetchone()[0] else "done"
        self.write({**counts, "state": state, "log": "\n".join(lines) or False})
        self._commit()

    def _retry_serialization(self, func, tries=5):
        """Call ``func``; on a serialization failure (another worker won a race), roll back and retry."""
        for attempt in range(tries):
            try:
                return func()
            except psycopg2.errors.SerializationFailure:
                if attempt == tries - 1:
                    raise
                self.env.cr.rollback()
                self.env.invalidate_all()
                _logger.info("Dunning run %s: concurrent update, retrying", self.id)
                time.sleep(0.1 * (attempt + 1) * (1 + random.random()))  # jitter: workers retry apart
        return None

    def _min_level_days(self):
        self.env.cr.execute(
            SQL(
                """SELECT MIN(l.days) FROM ar_dunning_level l
                     JOIN ar_dunning_policy p ON p.id = l.policy_id AND p.active
                    WHERE l.company_id = %s""",
                self.company_id.id,
            )
        )
        return self.env.cr.fetchone()[0]

    def _held_sql(self):
        """Condition on invoice ``m``: out of the dunning on the run date, paused by a document
        (every model of ``ar.dunning.pause.mixin``) or its customer insolvent (``INSOLVENT_SQL``)."""
        return SQL(
            "(%s OR %s)",
            self.env["ar.dunning.pause.mixin"]._ar_all_pauses_sql("m", self.date),
            SQL(INSOLVENT_SQL, insolvent=list(INSOLVENCY_ACTIVE_STATES)),
        )

    def _open_items_sql(self, partner_ids=None):
        """Open items (instalments) of customer invoices owed on the run date, as ``receivables`` says.

        Alias ``items`` (see ``receivables.open_items_sql``) joined to its invoice ``m``, its journal
        item ``aml`` and the level the item has reached ``l``. The dunning reminds customers of invoices:
        other entries are left to the collectors. ``items.dunned``: the item's residual less its share
        of the invoice's open disputes (``dispute_sql.dunned_items_sql``), what the run duns.
        """
        return SQL(
            """
              FROM (%(items)s) items
              JOIN account_move m ON m.id = items.move_id
              JOIN account_move_line aml ON aml.id = items.line_id
         LEFT JOIN ar_dunning_level l ON l.id = aml.dunning_level_id
             WHERE items.residual > 0 AND m.move_type = 'out_invoice'
            """,
            items=dunned_items_sql(
                receivables.open_items_sql(
                    self.company_id.id, self.date, as_of=False, partner_ids=partner_ids
                ),
                self.env["account.move"]._ar_disputed_amount_sql(),
            ),
        )

    def _select_customers(self):
        """Commercial partners with an open item (instalment) old enough for a level and a positive
        net balance (a customer whose open credits cover what it owes is never chased), in one query."""
        min_days = self._min_level_days()
        if min_days is None:
            return []
        self.env.flush_all()
        partner_ids = self.partner_ids.commercial_partner_id.ids if self.partner_ids else None
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT items.partner_id
                %(items)s
                   AND items.days >= %(min_days)s
                   AND items.dunned > 0
                   AND NOT COALESCE(m.dunning_excluded, FALSE)
                   AND NOT (%(held)s)
                   AND items.partner_id IN (SELECT nb.partner_id FROM (%(net)s) nb WHERE nb.balance > 0)
              ORDER BY items.partner_id
                """,
                items=self._open_items_sql(partner_ids),
                min_days=min_days,
                held=self._held_sql(),
                net=receivables.net_balance_sql(self.company_id.id, self.date, partner_ids),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _ensure_statuses(self, partner_ids):
        """Create the missing customer status rows (the rows the batches lock).

        Only rows missing from this snapshot are inserted: an ``ON CONFLICT``
        check against a row another worker is updating in a batch would fail
        to serialize.
        """
        if partner_ids:
            self.env.cr.execute(
                SQL(
                    """INSERT INTO ar_dunning_customer (partner_id, company_id, create_uid, create_date,
                                                        write_uid, write_date)
                       SELECT pid, %(company)s, %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s,
                              NOW() AT TIME ZONE 'UTC'
                         FROM unnest(%(ids)s) AS pid
                        WHERE NOT EXISTS (SELECT 1 FROM ar_dunning_customer c
                                           WHERE c.partner_id = pid AND c.company_id = %(company)s)
                  ON CONFLICT (partner_id, company_id) DO NOTHING""",
                    company=self.company_id.id,
                    uid=self.env.uid,
                    ids=partner_ids,
                )
            )

    def _lock_batch(self, partner_ids):
        """Lock the batch's customers not yet processed on the run date; skip those another worker holds."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT partner_id FROM ar_dunning_customer
                    WHERE company_id = %s AND partner_id = ANY(%s)
                      AND (last_run_date IS NULL OR last_run_date < %s)
                 ORDER BY partner_id
                      FOR UPDATE SKIP LOCKED""",
                self.company_id.id,
                partner_ids,
                self.date,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _load_items(self, partner_ids):
        """``{commercial partner id: [Item]}``: their open items (instalments), company currency.

        An item's amount is the part of it dunned: its residual less its share of the invoice's
        open disputes; an item the disputes cover entirely is disputed (not dunned).
        """
        self.env.cr.execute(
            SQL(
                """
                SELECT items.partner_id, items.line_id, items.date_maturity, items.dunned, l.days,
                       COALESCE(m.dunning_excluded, FALSE), items.dunned <= 0,
                       %(held)s, items.move_id
                %(items)s
              ORDER BY items.date_maturity, items.line_id
                """,
                items=self._open_items_sql(partner_ids),
                held=self._held_sql(),
            )
        )
        items = {}
        for pid, line_id, due, amount, days, excluded, disputed, held, move_id in self.env.cr.fetchall():
            items.setdefault(pid, []).append(
                dunning_rules.Item(line_id, due, float(amount), days, excluded, disputed, held, move_id)
            )
        return items

    def _pending_partners(self, partner_ids):
        """Customers with a communication still waiting for review: no new one until it is handled."""
        comms = self.env["ar.dunning.communication"].search(
            [
                ("partner_id", "in", partner_ids),
                ("company_id", "=", self.company_id.id),
                ("state", "in", COMMUNICATION_PENDING_STATES),
            ]
        )
        return set(comms.partner_id.ids)

    def _process_batch(self, partner_ids):
        """Decide and create the communications of one batch of customers, execute the automatic ones."""
        locked = partner_ids if self.dry_run else self._lock_batch(partner_ids)
        if not locked:
            return
        company = self.company_id
        partners = self.env["res.partner"].with_company(company).browse(locked)
        # the statuses are the run's record (no user writes them): written as the system
        statuses = (
            self.env["ar.dunning.customer"]
            .sudo()
            .search([("partner_id", "in", locked), ("company_id", "=", company.id)])
        )
        status_of = {status.partner_id.id: status for status in statuses}
        items = self._load_items(locked)
        pending = self._pending_partners(locked)
        vals_list = []
        for partner in partners:
            decision, policy = self._decide(partner, items.get(partner.id, []), status_of.get(partner.id))
            if decision and partner.id not in pending:
                vals_list.append(self._communication_vals(partner, policy, decision))
            if not self.dry_run:
                self._update_status(status_of[partner.id], partner, policy, items.get(partner.id, []))
        if self.dry_run:
            self._add_log(self._dry_run_lines(vals_list))
            self._count(processed_count=len(locked), communication_count=len(vals_list))
            return
        comms = self.env["ar.dunning.communication"].create(vals_list)
        comms.filtered("auto")._execute()

    def _decide(self, partner, items, status):
        """``(Decision or None, policy)`` for one customer."""
        policy = partner._ar_dunning_policy(self.company_id)
        if not policy or not items:
            return None, policy
        levels = [
            dunning_rules.Level(lv.id, lv.days, lv.min_amount, lv.min_days_since_previous)
            for lv in policy.level_ids
        ]
        last = status.last_reminder_date if status else None
        return dunning_rules.decide(items, levels, self.date, last), policy

    def _communication_vals(self, partner, policy, decision):
        """The communication of ``decision`` (``dunning_rules.decide``), as the rules made it.

        The items it lists, their amount and the level each one reaches are the
        decision's; sending applies them (``ar.dunning.communication._mark_sent``).
        """
        level = self.env["ar.dunning.level"].browse(decision.level.key)
        return {
            "run_id": self.id,
            "partner_id": partner.id,
            "contact_id": partner._ar_dunning_contact().id,
            "company_id": self.company_id.id,
            "policy_id": policy.id,
            "level_id": level.id,
            "date": self.date,
            "move_ids": [fields.Command.set(list(decision.moves))],
            "amount_due": decision.amount_due,
            # every item listed, with the level the decision raises it to (None: it keeps its level)
            "item_levels": {
                str(key): decision.item_levels[key].key if key in decision.item_levels else None
                for key in decision.items
            },
            "auto": level.auto_execute,
            "state": "draft" if level.auto_execute else "to_send",
        }

    def _update_status(self, status, partner, policy, items):
        overdue = [
            it for it in items if it.dunnable and receivables.is_overdue(it.amount, it.due_date, self.date)
        ]
        status.write(
            {
                "policy_id": policy.id,
                "overdue_amount": sum(it.amount for it in overdue),
                "oldest_due_date": min((it.due_date for it in overdue), default=False),
                "last_run_date": self.date,
                "last_run_id": self.id,
                "collector_id": partner.ar_collector_id.id,
            }
        )

    def _dry_run_lines(self, vals_list):
        levels = self.env["ar.dunning.level"].browse([vals["level_id"] for vals in vals_list])
        partners = self.env["res.partner"].browse([vals["partner_id"] for vals in vals_list])
        return [
            self.env._(
                "%(customer)s: would reach %(level)s (%(amount)s)",
                customer=partner.display_name,
                level=level.name,
                amount=self.company_id.currency_id.format(vals["amount_due"]),
            )
            for partner, level, vals in zip(partners, levels, vals_list, strict=True)
        ]

    def _count(self, **increments):
        self.write({name: self[name] + value for name, value in increments.items()})

    def _add_log(self, lines):
        if lines:
            self.log = "\n".join(filter(None, [self.log, *lines]))
