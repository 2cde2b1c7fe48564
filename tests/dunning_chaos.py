"""Driver of the exactly-once dunning tests: a dunning run killed with SIGKILL, then resumed.

Run with Odoo's python (AR_ODOO_PYTHON), Odoo's command line in AR_ODOO_ARGS,
as tests/test_dunning_exactly_once.py does::

    python tests/dunning_chaos.py --db DB scenario --tag t1 --scenario a=in_batch --scenario b=start
    python tests/dunning_chaos.py --db DB prepare --tag w1 --customers 200 --batch-size 10
    python tests/dunning_chaos.py --db DB check --tag w1

Everything happens in a company of its own, *AR Chaos Dunning* (created with
the generic chart the first time), so the other tests of the shared test
database never see its customers, runs, holds or fee invoices. Each scenario
(``--tag``) adds a fresh policy and its own customers with one overdue invoice
each: the even ones 10 days overdue (level *reminder*: email and activity),
the odd ones 40 days (level *final*: email, activity, letter, credit hold and
a late fee). Once checked, the scenario's invoices are excluded from the
dunning and its policy archived, so the next scenario's run sees only its own
customers.

``scenario`` prepares, for each ``--scenario``, the data and today's run of the
company (small batches), then forks a child that runs the dunning cron's work
for the company and kills itself with SIGKILL at the chosen point (a method
patched in the child only: no hook in the addon), optionally forks a second
child killed during the resume, then resumes in the parent without any kill;
it prints, as the last line, a JSON report per scenario: how each child ended
and what exists per customer. ``prepare`` (with ``--crons N``: N copies of the
dunning cron due now) and ``check`` do the same for a run the cron workers of
a real server execute. ``race`` makes the race of two workers deterministic:
the run's first batch takes its snapshot, then a second worker processes and
commits the same customers before the first one locks them; the first must
retry and skip them, not fail.
"""

import argparse
import functools
import json
import os
import signal
import sys
import time
import traceback
from datetime import timedelta

os.environ["TZ"] = "UTC"  # as setup/lib.sh runs Odoo
time.tzset()

COMPANY_NAME = "AR Chaos Dunning"
PARTNER_REF = "ar-chaos-dunning"

#: Kill points: (model, method, "before"/"after" the call, which call). With
#: 30 customers in batches of 4, two customers of each batch are at the
#: final level, so the 3rd hold, fee or letter is in the second batch.
KILL_POINTS = {
    "start": ("ar.dunning.run", "_prepare", "before", 1),
    "in_batch": ("ar.dunning.communication", "create", "after", 2),
    "mails_queued": ("ar.dunning.communication", "_queue_emails", "after", 2),
    "batch_done": ("ar.dunning.run", "_process_batch", "after", 2),
    "between_batches": ("ar.dunning.run", "_process_batch", "before", 3),
    "credit_hold": ("ar.dunning.communication", "_action_credit_hold", "after", 3),
    "fee_before_post": ("account.move", "action_post", "before", 3),
    "activity": ("mail.activity", "create", "after", 2),
    "letter": ("ar.dunning.communication", "_action_letter", "after", 3),
    "before_done": ("ar.dunning.run", "_finish", "before", 1),
}


def parse_args(argv=None):
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("action", choices=("scenario", "prepare", "check", "race"))
    parser.add_argument("--tag", required=True, help="name of the scenario (its customers' names)")
    parser.add_argument("--customers", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--letters", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--crons", type=int, default=0, help="prepare: copies of the dunning cron, due now")
    parser.add_argument(
        "--scenario",
        action="append",
        default=[],
        type=scenario_spec,
        metavar="NAME=POINT[+POINT]",
        help="scenario: a scenario killed at POINT (then at the next POINT during the resume...)",
    )
    return parser.parse_args(argv)


def scenario_spec(text):
    """``(name, [kill points])`` of ``NAME=POINT+POINT``."""
    name, _sep, points = text.partition("=")
    points = [point for point in points.split("+") if point]
    unknown = set(points) - set(KILL_POINTS)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown kill points {sorted(unknown)}")
    return name, points


# ----------------------------------------------------------------------
# Odoo
# ----------------------------------------------------------------------
def configure(db):
    """Configure Odoo as a library from AR_ODOO_ARGS; letters rendered as HTML (no wkhtmltopdf)."""
    import odoo  # noqa: PLC0415

    odoo_args = [arg for arg in os.environ.get("AR_ODOO_ARGS", "").splitlines() if arg.strip()]
    odoo.tools.config.parse_config(["--log-level=warn", *odoo_args, "-d", db], setup_logging=True)


class Odoo:
    """The registry of the database and a short-lived superuser environment per step."""

    def __init__(self, db):
        import odoo  # noqa: PLC0415
        from odoo.modules.registry import Registry  # noqa: PLC0415

        self.registry = Registry(db)
        # once loaded: the reports render as HTML, as in Odoo's tests, so the letter step stays cheap
        odoo.tools.config["test_enable"] = True

    def env(self, cr):
        """A superuser environment on ``cr``."""
        from odoo import SUPERUSER_ID, api  # noqa: PLC0415

        return api.Environment(cr, SUPERUSER_ID, {})

    def step(self, func, *args):
        """Call ``func(env, *args)`` in a transaction of its own, committed."""
        with self.registry.cursor() as cr:
            return func(self.env(cr), *args)


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------
def chaos_company(env):
    """The company of the chaos scenarios, created with the generic chart the first time."""
    company = env["res.company"].search([("name", "=", COMPANY_NAME)], limit=1)
    if not company:
        company = env["res.company"].create({"name": COMPANY_NAME})
        env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
    return company


def make_policy(env, company, tag, letters):
    """A policy with a reminder (5 days: email, activity) and a final level (30 days: everything)."""
    template = env.ref("ar_dunning.mail_template_dunning_reminder")
    policy = env["ar.dunning.policy"].create({"name": f"Chaos {tag}", "company_id": company.id})
    common = {
        "policy_id": policy.id,
        "min_days_since_previous": 0,
        "auto_execute": True,
        "send_email": True,
        "mail_template_id": template.id,
        "create_activity": True,
    }
    env["ar.dunning.level"].create(
        [
            {**common, "name": "Chaos reminder", "days": 5},
            {
                **common,
                "name": "Chaos final",
                "days": 30,
                "send_letter": letters,
                "set_credit_hold": True,
                "fee_type": "fixed",
                "fee_amount": 10.0,
            },
        ]
    )
    return policy


def prepare(env, tag, customers, batch_size, letters):
    """The scenario's policy, customers and overdue invoices, and today's run in small batches."""
    from odoo import Command, fields  # noqa: PLC0415

    company = chaos_company(env)
    policy = make_policy(env, company, tag, letters)
    partners = (
        env["res.partner"]
        .with_company(company)
        .create(
            [
                {
                    "name": f"Chaos {tag} {n:03d}",
                    "ref": PARTNER_REF,
                    "is_company": True,
                    "email": f"ap{n}.{tag}@chaos.example.com",
                    "company_id": company.id,
                    "ar_dunning_policy_id": policy.id,
                }
                for n in range(customers)
            ]
        )
    )
    today = fields.Date.context_today(partners[:1])
    moves = (
        env["account.move"]
        .with_company(company)
        .create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": today - timedelta(days=40 if n % 2 else 10),
                    "invoice_date_due": today - timedelta(days=40 if n % 2 else 10),
                    "invoice_line_ids": [
                        Command.create({"name": "Goods", "quantity": 1, "price_unit": 100.0, "tax_ids": []})
                    ],
                }
                for n, partner in enumerate(partners)
            ]
        )
    )
    moves.action_post()
    run = env["ar.dunning.run"].search(
        [("company_id", "=", company.id), ("date", "=", today), ("state", "!=", "done")]
    )
    run.write({"state": "done"})  # a run left by an aborted session must not be resumed by this one
    env["ar.dunning.run"].with_company(company).create(
        {"company_id": company.id, "date": today, "batch_size": batch_size}
    )
    return {"company_id": company.id, "partner_ids": partners.ids, "move_ids": moves.ids}


def retire(env, data):
    """Take the scenario out of the next runs: its invoices excluded, its policies archived."""
    from odoo.tools import SQL  # noqa: PLC0415

    env.flush_all()
    env.cr.execute(
        SQL("UPDATE account_move SET dunning_excluded = TRUE WHERE id = ANY(%s)", data["move_ids"])
    )
    env["ar.dunning.policy"].search(
        [("company_id", "=", data["company_id"]), ("name", "=like", "Chaos %")]
    ).active = False
    env.invalidate_all()


def scenario_data(env, tag):
    """The ids of a prepared scenario, found by its customers' names."""
    partners = env["res.partner"].search([("ref", "=", PARTNER_REF), ("name", "=like", f"Chaos {tag} %")])
    moves = env["account.move"].search(
        [
            ("partner_id", "in", partners.ids),
            ("move_type", "=", "out_invoice"),
            ("invoice_origin", "=", False),
        ]
    )
    return {"company_id": partners[:1].company_id.id, "partner_ids": partners.ids, "move_ids": moves.ids}


def cron_copies(env, company_id, tag, count):
    """``count`` duplicates of the scheduled action *Dunning: daily run*, due now (CONFIGURE.md).

    Their code is the cron's work for the chaos company only (see
    :func:`cron_for_company`): the demo companies of the shared test database
    stay out of the run.
    """
    from odoo import fields  # noqa: PLC0415

    cron = env.ref("ar_dunning.ir_cron_ar_dunning_run")
    code = (
        f"company = env['res.company'].browse({company_id})\n"
        "model.sudo()._todays_run(company).with_company(company)._execute()"
    )
    now = fields.Datetime.now()
    copies = env["ir.cron"]
    for n in range(count):
        copies |= cron.copy(
            {"name": f"Chaos {tag} worker {n + 1}", "code": code, "nextcall": now, "active": True}
        )
    return copies.ids


def drop_cron_copies(env, tag, data):
    """Delete the scenario's cron copies; when each of them last ran and how long the run took.

    ``seconds``: from the first communication's transaction to the end of the
    last cron job.
    """
    from odoo.tools import SQL  # noqa: PLC0415

    copies = (
        env["ir.cron"].with_context(active_test=False).search([("name", "=like", f"Chaos {tag} worker %")])
    )
    env.cr.execute(
        SQL(
            """SELECT EXTRACT(EPOCH FROM (SELECT MAX(lastcall) FROM ir_cron WHERE id = ANY(%s))
                                     - (SELECT MIN(create_date) FROM ar_dunning_communication
                                         WHERE partner_id = ANY(%s)))""",
            copies.ids or [0],
            data["partner_ids"],
        )
    )
    seconds = env.cr.fetchone()[0]
    report = {"cron_lastcalls": [str(cron.lastcall or "") for cron in copies], "seconds": float(seconds or 0)}
    copies.unlink()
    return report


# ----------------------------------------------------------------------
# Running and killing
# ----------------------------------------------------------------------
def cron_for_company(env, company_id):
    """What the dunning cron (``_cron_dunning``) does for one company: join today's run, execute it.

    The cron itself loops over every company of the database; the shared test
    database's demo companies must not be dunned, so the scenario runs the
    loop's body for its own company only.
    """
    company = env["res.company"].browse(company_id)
    run_model = env["ar.dunning.run"].sudo()
    run_model._todays_run(company).with_company(company)._execute()


def arm(registry, point):
    """Patch the kill point's method in this process: SIGKILL itself at the chosen call."""
    model, method, when, nth = KILL_POINTS[point]
    cls = registry[model]
    original = getattr(cls, method)
    calls = [0]

    @functools.wraps(original)
    def patched(self, *args, **kwargs):
        calls[0] += 1
        if when == "before" and calls[0] == nth:
            os.kill(os.getpid(), signal.SIGKILL)
        result = original(self, *args, **kwargs)
        if when == "after" and calls[0] == nth:
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(cls, method, patched)


def run_killed(odoo_, company_id, point):
    """Fork a child that runs the cron's work armed to die at ``point``; how it ended."""
    import odoo.sql_db  # noqa: PLC0415

    odoo.sql_db.close_all()  # the child opens connections of its own
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            arm(odoo_.registry, point)
            odoo_.step(cron_for_company, company_id)
            code = 0  # the kill point never fired
        except Exception:  # noqa: BLE001 - reported by the exit code, the parent goes on
            traceback.print_exc()
        finally:
            os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return signal.Signals(os.WTERMSIG(status)).name
    return f"exit {os.WEXITSTATUS(status)}"


def run_raced(odoo_, company_id):
    """Run the cron's work while a second worker wins the first batch after its snapshot; how it ended.

    The first call of ``_lock_batch`` takes the transaction's snapshot, then
    another cursor (the second worker) processes and commits the same batch;
    only then does the first worker try to lock those customers.
    """
    cls = odoo_.registry["ar.dunning.run"]
    original = cls._lock_batch
    raced = []

    def patched(self, partner_ids):
        if not raced:
            raced.append(partner_ids)
            self.env.cr.execute("SELECT 1")  # the first statement of the transaction: its snapshot

            def second_worker(env):
                run = env["ar.dunning.run"].browse(self.id).with_company(self.company_id.id)
                run._process_batch(partner_ids)

            odoo_.step(second_worker)
        return original(self, partner_ids)

    cls._lock_batch = patched
    try:
        odoo_.step(cron_for_company, company_id)
    except Exception as error:  # noqa: BLE001 - reported, the test asserts on it
        return f"{type(error).__name__}: {error}"
    finally:
        cls._lock_batch = original
    return "done" if raced else "no batch"


def check(env, data, letters=True):
    """What exists per customer of the scenario, read in SQL: the report the tests assert on."""
    from odoo.tools import SQL  # noqa: PLC0415

    ids = data["partner_ids"]

    def per_partner(query):
        env.cr.execute(SQL(query, ids=ids, moves=data["move_ids"]))
        counts = dict(env.cr.fetchall())
        return [counts.get(pid, 0) for pid in ids]

    company = env["res.company"].browse(data["company_id"])
    partners = env["res.partner"].with_company(company).browse(ids)
    levels = {}
    for comm in env["ar.dunning.communication"].search([("partner_id", "in", ids)]):
        levels.setdefault(comm.partner_id.id, []).append(f"{comm.level_id.name}:{comm.state}")
    runs = env["ar.dunning.communication"].search([("partner_id", "in", ids)]).run_id
    report = {
        "customers": len(ids),
        "final_level": [bool(n % 2) for n in range(len(ids))],
        "communications": [levels.get(pid, []) for pid in ids],
        "mails": per_partner(
            """SELECT c.partner_id, COUNT(mm.id) FROM ar_dunning_communication c
                 JOIN mail_mail mm ON mm.id = c.mail_id
                WHERE c.partner_id = ANY(%(ids)s) GROUP BY 1"""
        ),
        "mails_to_customer": per_partner(
            """SELECT c.partner_id, COUNT(*) FROM mail_mail mm
                 JOIN mail_message msg ON msg.id = mm.mail_message_id
                 JOIN ar_dunning_communication c ON c.id = msg.res_id
                WHERE msg.model = 'ar.dunning.communication' AND c.partner_id = ANY(%(ids)s) GROUP BY 1"""
        ),
        "activities": per_partner(
            """SELECT res_id, COUNT(*) FROM mail_activity
                WHERE res_model = 'res.partner' AND res_id = ANY(%(ids)s) GROUP BY 1"""
        ),
        "fees": per_partner(
            """SELECT partner_id, COUNT(*) FROM account_move
                WHERE partner_id = ANY(%(ids)s) AND move_type = 'out_invoice' AND state = 'posted'
                  AND NOT id = ANY(%(moves)s) GROUP BY 1"""
        ),
        "fees_linked": per_partner(
            """SELECT partner_id, COUNT(fee_move_id) FROM ar_dunning_communication
                WHERE partner_id = ANY(%(ids)s) GROUP BY 1"""
        ),
        "draft_fees": per_partner(
            """SELECT partner_id, COUNT(*) FROM account_move
                WHERE partner_id = ANY(%(ids)s) AND move_type = 'out_invoice' AND state != 'posted'
                GROUP BY 1"""
        ),
        "holds": [partner.credit_hold for partner in partners],
        "hold_trackings": per_partner(
            """SELECT msg.res_id, COUNT(*) FROM mail_tracking_value v
                 JOIN mail_message msg ON msg.id = v.mail_message_id
                 JOIN ir_model_fields f ON f.id = v.field_id
                WHERE msg.model = 'res.partner' AND msg.res_id = ANY(%(ids)s)
                  AND f.model = 'res.partner' AND f.name = 'credit_hold' GROUP BY 1"""
        ),
        "runs": [
            {"state": run.state, "processed": run.processed_count, "communications": run.communication_count}
            for run in runs
        ],
    }
    if letters:
        report["letters"] = per_partner(
            """SELECT c.partner_id, COUNT(a.id) FROM ar_dunning_communication c
                 JOIN ir_attachment a ON a.res_model = 'ar.dunning.communication' AND a.res_id = c.id
                WHERE c.partner_id = ANY(%(ids)s) GROUP BY 1"""
        )
    return report


def scenario(odoo_, args, tag, points):
    """Prepare, kill once per point, resume to the end, check, retire; the report."""
    data = odoo_.step(prepare, tag, args.customers, args.batch_size, args.letters)
    endings = [run_killed(odoo_, data["company_id"], point) for point in points]
    odoo_.step(cron_for_company, data["company_id"])
    report = {"endings": endings, **odoo_.step(check, data)}
    odoo_.step(retire, data)
    return report


def main(argv=None):
    """Entry point; prints the JSON report as the last line."""
    args = parse_args(argv)
    configure(args.db)
    odoo_ = Odoo(args.db)
    if args.action == "scenario":
        report = {name: scenario(odoo_, args, f"{args.tag}-{name}", points) for name, points in args.scenario}
    elif args.action == "race":
        data = odoo_.step(prepare, args.tag, args.customers, args.batch_size, args.letters)
        report = {"ending": run_raced(odoo_, data["company_id"]), **odoo_.step(check, data, args.letters)}
        odoo_.step(retire, data)
    elif args.action == "prepare":
        report = odoo_.step(prepare, args.tag, args.customers, args.batch_size, args.letters)
        report["cron_ids"] = odoo_.step(cron_copies, report["company_id"], args.tag, args.crons)
    else:
        data = odoo_.step(scenario_data, args.tag)
        report = odoo_.step(check, data, args.letters)
        report.update(odoo_.step(drop_cron_copies, args.tag, data))
        odoo_.step(retire, data)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
