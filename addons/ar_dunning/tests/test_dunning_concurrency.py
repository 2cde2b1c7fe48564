import threading
import time
import uuid
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.ar_credit_control.tests.common import ArCommittedDataCase, registry_lock_released

from ..models.ar_dunning_run import ArDunningRun


class CrashError(Exception):
    """The worker dies between two batches."""


@tagged("post_install", "-at_install")
class TestDunningWorkers(ArCommittedDataCase):
    """Two cron workers on one run, and a worker killed between batches, with real commits.

    The data is committed (each worker has its own connection, as two cron
    threads would), so it is deleted again at the end of each test.
    """

    customers = 6

    def _setup(self, env):
        company = env.ref("base.main_company")
        env = env(context={"allowed_company_ids": company.ids})
        tag = uuid.uuid4().hex[:8]
        policy = env["ar.dunning.policy"].create({"name": f"Workers {tag}", "company_id": company.id})
        env["ar.dunning.level"].create(
            {
                "policy_id": policy.id,
                "name": "Reminder",
                "days": 7,
                "min_days_since_previous": 0,
                "send_email": True,
                "mail_template_id": env.ref("ar_dunning.mail_template_dunning_reminder").id,
                "create_activity": True,
            }
        )
        partners = env["res.partner"].create(
            [
                {
                    "name": f"Worker debtor {tag} {i}",
                    "is_company": True,
                    "email": f"ap{i}.{tag}@debtor.example.com",
                    "ar_dunning_policy_id": policy.id,
                }
                for i in range(self.customers)
            ]
        )
        today = fields.Date.context_today(env.user)
        moves = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": today - timedelta(days=10),
                    "invoice_date_due": today - timedelta(days=10),
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create({"name": "Goods", "quantity": 1, "price_unit": 500, "tax_ids": []})
                    ],
                }
                for partner in partners
            ]
        )
        moves.action_post()
        run = env["ar.dunning.run"].create(
            {
                "company_id": company.id,
                "date": today,
                "batch_size": 2,
                "partner_ids": [Command.set(partners.ids)],
            }
        )
        return run.id, policy.id, partners.ids, moves.ids

    def _cleanup(self, env, run_id, policy_id, partner_ids, move_ids):
        env.cr.execute(
            SQL(
                """DELETE FROM mail_message WHERE model = 'ar.dunning.communication' AND res_id IN (
                       SELECT id FROM ar_dunning_communication WHERE partner_id = ANY(%(ids)s));
                   DELETE FROM mail_message WHERE model = 'res.partner' AND res_id = ANY(%(ids)s);
                   DELETE FROM mail_activity WHERE res_model = 'res.partner' AND res_id = ANY(%(ids)s);
                   DELETE FROM ar_dunning_communication WHERE partner_id = ANY(%(ids)s);
                   DELETE FROM ar_dunning_customer WHERE partner_id = ANY(%(ids)s)""",
                ids=partner_ids,
            )
        )
        env.invalidate_all()
        moves = env["account.move"].browse(move_ids)
        moves.button_draft()
        moves.with_context(force_delete=True).unlink()
        env["ar.dunning.run"].browse(run_id).unlink()
        env["res.partner"].browse(partner_ids).unlink()
        policy = env["ar.dunning.policy"].browse(policy_id)
        policy.level_ids.unlink()
        policy.unlink()

    def _reminders(self, env, run_id, partner_ids):
        env.cr.execute(
            SQL(
                """SELECT p.id,
                          (SELECT COUNT(*) FROM ar_dunning_communication c WHERE c.partner_id = p.id),
                          (SELECT COUNT(*) FROM mail_mail mm
                             JOIN mail_message msg ON msg.id = mm.mail_message_id
                             JOIN ar_dunning_communication c ON c.id = msg.res_id
                            WHERE msg.model = 'ar.dunning.communication' AND c.partner_id = p.id),
                          (SELECT COUNT(*) FROM mail_activity a
                            WHERE a.res_model = 'res.partner' AND a.res_id = p.id)
                     FROM res_partner p WHERE p.id = ANY(%s) ORDER BY p.id""",
                partner_ids,
            )
        )
        counts = {pid: (comms, mails, activities) for pid, comms, mails, activities in env.cr.fetchall()}
        run = env["ar.dunning.run"].browse(run_id)
        return counts, (run.state, run.processed_count, run.communication_count, run.sent_count)

    def _worker(self, run_id, barrier, outcomes, name):
        try:
            with db_connect(self.dbname).cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                run = env["ar.dunning.run"].browse(run_id)
                barrier.wait()
                run.with_company(run.company_id)._execute()
                cr.commit()  # pylint: disable=invalid-commit
                outcomes[name] = "done"
        except Exception as error:  # noqa: BLE001 - reported by the assertion in the test
            outcomes[name] = f"unexpected {type(error).__name__}: {error}"

    def test_two_workers_send_each_reminder_once(self):
        ids = self._committed(self._setup)
        run_id, _policy_id, partner_ids, _move_ids = ids
        original = ArDunningRun._load_items
        batches = []

        def slow_load(run, locked):
            batches.append((threading.current_thread().name, list(locked)))
            time.sleep(0.3)  # the other worker reaches the same customers meanwhile
            return original(run, locked)

        outcomes = {}
        barrier = threading.Barrier(2)
        try:
            with patch.object(ArDunningRun, "_load_items", slow_load):
                threads = [
                    threading.Thread(target=self._worker, args=(run_id, barrier, outcomes, name), name=name)
                    for name in ("worker-1", "worker-2")
                ]
                with (
                    registry_lock_released(),
                    mute_logger("odoo.sql_db", "odoo.addons.ar_dunning.models.ar_dunning_run"),
                ):
                    for thread in threads:
                        thread.start()
                    for thread in threads:
                        thread.join(120)
            self.assertEqual(outcomes, {"worker-1": "done", "worker-2": "done"})
            counts, run = self._committed(lambda env: self._reminders(env, run_id, partner_ids))
            self.assertEqual(counts, dict.fromkeys(partner_ids, (1, 1, 1)))
            self.assertEqual(run, ("done", self.customers, self.customers, self.customers))
            workers = {name for name, _locked in batches}
            processed = sorted(pid for _name, locked in batches for pid in locked)
            self.assertEqual(processed, sorted(partner_ids), "each customer processed by one worker")
            self.assertEqual(workers, {"worker-1", "worker-2"}, "both workers took batches")
        finally:
            self._committed(lambda env: self._cleanup(env, *ids))

    def test_worker_killed_between_batches_then_rerun(self):
        ids = self._committed(self._setup)
        run_id, _policy_id, partner_ids, _move_ids = ids
        original = ArDunningRun._process_batch
        calls = []

        def crash_second(run, batch):
            calls.append(batch)
            if len(calls) == 2:
                raise CrashError("worker killed")
            return original(run, batch)

        def execute(env):
            run = env["ar.dunning.run"].browse(run_id)
            run.with_company(run.company_id)._execute()

        try:
            with patch.object(ArDunningRun, "_process_batch", crash_second), self.assertRaises(CrashError):
                self._committed(execute)
            counts, run = self._committed(lambda env: self._reminders(env, run_id, partner_ids))
            self.assertEqual(list(counts.values()), [(1, 1, 1)] * 2 + [(0, 0, 0)] * (self.customers - 2))
            self.assertEqual(run[0], "running")
            self._committed(execute)
            counts, run = self._committed(lambda env: self._reminders(env, run_id, partner_ids))
            self.assertEqual(counts, dict.fromkeys(partner_ids, (1, 1, 1)))
            self.assertEqual(run, ("done", self.customers, self.customers, self.customers))
        finally:
            self._committed(lambda env: self._cleanup(env, *ids))
