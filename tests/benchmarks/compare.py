"""Side-by-side benchmarks: plain Odoo, AR Credit Suite and the OCA peers on the same data.

Creates its own databases (``<prefix>_plain``: sale_management + account;
``<prefix>_ours``: ar_credit_control + ar_dunning; ``<prefix>_oca``:
sale_financial_risk + account_credit_control from PyPI), generates the same
ledger in each (bench_generate.py / datagen.py: customers, invoices in every
aging bucket, partial payments, two currencies, confirmed orders), then runs:

1. the credit check at ``sale.order.action_confirm`` for customers with each
   ``--items`` open items, interleaved across the three databases;
2. the dunning run over the ledger: ours (bench_dunning_run.py) and the OCA
   credit control run (bench_oca_dunning.py);
3. the aging XLSX export over ``--aging-items`` open items (ours);
4. our dunning cron with each ``--workers`` count of cron workers of Odoo's
   multi-process server, each on a fresh copy of the ours database
   (bench_dunning_workers.py).

Writes one markdown report with every figure and ratio (``--out``) and prints
it.  tests/benchmarks/run_compare.sh prepares the machine and calls it;
``--tiny`` is the few-hundred-invoice configuration the test command runs.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_generate import LEDGER_REF

HERE = Path(__file__).resolve().parent
PARTS = ("check", "dunning", "aging", "workers")
FLAVOURS = {
    "plain": "sale_management,account",
    "ours": "ar_credit_control,ar_dunning",
    "oca": "sale_financial_risk,account_credit_control",
}
FULL = {
    "customers": 10000,
    "invoices": 105260,  # 100,000 of them overdue (one in twenty is not due yet)
    "orders": 200,
    "items": "100,10000,50000",
    "runs": 20,
    "aging_items": 200000,
    "workers": "1,2,4",
}
TINY = {
    "customers": 30,
    "invoices": 300,
    "orders": 5,
    "items": "50",
    "runs": 3,
    "aging_items": 500,
    "workers": "1,2",
}


def parse_args(argv=None):
    """Command-line options (defaults: the full configuration of the issue)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--prefix", default="arcmp", help="database name prefix")
    parser.add_argument("--tiny", action="store_true", help="a few hundred invoices (the test command's run)")
    for name, value in FULL.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=None)
    parser.add_argument("--out", help="write the markdown report to this file")
    parser.add_argument("--json", help="write every figure as JSON to this file")
    parser.add_argument("--keep", action="store_true", help="keep the databases at the end")
    parser.add_argument("--from-json", help="only print the report of the figures of an earlier --json")
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"comma-separated parts to run (default: all of {', '.join(PARTS)})",
    )
    args = parser.parse_args(argv)
    for name, value in (TINY if args.tiny else FULL).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def odoo_args():
    """Odoo's command line exported by the wrapper (one argument a line)."""
    return [arg for arg in os.environ.get("AR_ODOO_ARGS", "").splitlines() if arg.strip()]


def db_args():
    """The database connection options of the Odoo command line, for the PostgreSQL tools."""
    values = dict(arg[2:].split("=", 1) for arg in odoo_args() if arg.startswith("--db_"))
    env = {**os.environ, "PGPASSWORD": values.get("db_password", "")}
    return [
        "-h",
        values.get("db_host", "localhost"),
        "-p",
        values.get("db_port", "5432"),
        "-U",
        values.get("db_user", "odoo"),
    ], env


def step(title):
    """Print a step title."""
    print(f"\n== {title} ({time.strftime('%H:%M:%S')})", flush=True)


def run(cmd, **kwargs):
    """Run a command with Odoo's python and environment; fail loudly."""
    result = subprocess.run(cmd, env={**os.environ, "TZ": "UTC"}, cwd=HERE, check=False, **kwargs)
    if result.returncode:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(map(str, cmd))}")
    return result


def script(name, *args):
    """Run a benchmark script of this folder."""
    return run([sys.executable, str(HERE / name), *map(str, args)])


def drop_db(name):
    """Drop a database of the benchmark if it exists."""
    pg, env = db_args()
    subprocess.run(["dropdb", "--if-exists", "--force", *pg, name], env=env, check=True)


def copy_db(source, target):
    """A fresh copy of ``source`` (PostgreSQL template copy)."""
    drop_db(target)
    pg, env = db_args()
    subprocess.run(["createdb", *pg, "-T", source, target], env=env, check=True)


def create_db(name, modules):
    """A fresh database with ``modules`` installed, no demo data."""
    drop_db(name)
    run(
        [
            sys.executable,
            "-m",
            "odoo",
            *odoo_args(),
            "-d",
            name,
            "-i",
            modules,
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
            "--http-port=0",
        ]
    )


def load(path):
    """A JSON file written by a benchmark script."""
    return json.loads(Path(path).read_text())


def md_rows(path):
    """The data rows of the first markdown table of a report, as lists of cells."""
    lines = [line for line in Path(path).read_text().splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def measure(args, dbs, tmp):
    """Run the benchmarks of ``--parts``; a dict of their figures."""
    parts = args.parts.split(",")
    figures = {}
    if "check" in parts:
        figures["credit_check"] = measure_check(args, dbs, tmp)
    if "workers" in parts:
        copy_db(dbs["ours"], f"{args.prefix}_tpl")  # the ledger before any dunning, for the worker runs
    if "dunning" in parts:
        figures["dunning_ours"], figures["dunning_oca"] = measure_dunning(dbs, tmp)
    if "aging" in parts:
        figures["aging"] = measure_aging(args, dbs, tmp)
    if "workers" in parts:
        figures["workers"] = measure_workers(args, tmp)
    return figures


def measure_check(args, dbs, tmp):
    """The credit check at confirmation, interleaved across the three databases."""
    step("Credit check at confirmation")
    script(
        "bench_credit_check.py",
        *[x for db in dbs.values() for x in ("--db", db)],
        "--items",
        args.items,
        "--runs",
        args.runs,
        "--json",
        tmp / "check.json",
        "--out",
        tmp / "check.md",
    )
    return load(tmp / "check.json")


def measure_dunning(dbs, tmp):
    """Our dunning run and the OCA credit control run over the same ledger."""
    step("Dunning: ours")
    script(
        "bench_dunning_run.py", "--db", dbs["ours"], "--ledger-ref", LEDGER_REF, "--json", tmp / "ours.json"
    )
    step("Dunning: OCA credit control")
    script("bench_oca_dunning.py", "--db", dbs["oca"], "--json", tmp / "oca.json")
    return load(tmp / "ours.json"), load(tmp / "oca.json")


def measure_aging(args, dbs, tmp):
    """Our aging XLSX export; the figures row of its report."""
    step("Aging XLSX")
    script(
        "bench_aging_xlsx.py",
        "--db",
        dbs["ours"],
        "--items",
        args.aging_items,
        "--customers",
        min(200, args.aging_items),
        "--runs",
        3,
        "--out",
        tmp / "aging.md",
    )
    return md_rows(tmp / "aging.md")[0]


def measure_workers(args, tmp):
    """Our dunning cron with each worker count, each on a fresh copy of the ledger."""
    figures = []
    for workers in [int(w) for w in args.workers.split(",")]:
        step(f"Dunning cron with {workers} worker(s)")
        db = f"{args.prefix}_w{workers}"
        copy_db(f"{args.prefix}_tpl", db)
        script(
            "bench_dunning_workers.py", "--db", db, "--workers", workers, "--json", tmp / f"w{workers}.json"
        )
        figures.append(load(tmp / f"w{workers}.json"))
        if not args.keep:
            drop_db(db)
    return figures


def ratio(a, b):
    """``a / b`` as text, ``-`` when b is zero."""
    return f"{a / b:.1f}×" if b else "-"


def check_table(check):
    """Markdown rows of the credit check figures (medians, overhead against plain Odoo)."""
    labels = {
        "plain": "plain Odoo",
        "off": "ours installed, check off",
        "block": "ours (block)",
        "oca": "OCA sale_financial_risk",
    }
    rows = [
        "| open items | confirmation | median ms | p90 ms | overhead vs plain | ratio to plain | queries |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for items, result in check.items():
        base = result["plain"][0]
        for mode, label in labels.items():
            median, p90, queries = result[mode]
            rows.append(
                f"| {items} | {label} | {median:.2f} | {p90:.2f} | {(median - base) / base * 100:+.1f} % "
                f"| {median / base:.2f} | {queries:g} |"
            )
    return rows


def per_communication(fig):
    """Seconds per communication a dunning run created."""
    return fig["seconds"] / max(fig["communications"], 1)


def dunning_table(ours, oca):
    """Markdown rows comparing the two dunning runs."""
    rows = [
        "| dunning run | customers | communications | emails queued | wall s | comms/s | peak RSS MB "
        "| SQL queries | queries/comm |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, fig, mails in (
        ("ours", ours, ours["communications"]),
        ("OCA credit control", oca, oca["mails"]),
    ):
        rows.append(
            f"| {label} | {fig['customers']} | {fig['communications']} | {mails} | {fig['seconds']:.1f} "
            f"| {fig['communications'] / fig['seconds']:.0f} | {fig['rss_mb']:.0f} | {fig['queries']} "
            f"| {fig['queries'] / max(fig['communications'], 1):.1f} |"
        )
    rows.append("")
    rows.append(
        f"Ours is {ratio(oca['seconds'], ours['seconds'])} faster in wall time for the same customers, "
        f"{ratio(per_communication(oca), per_communication(ours))} per communication created. "
        "OCA sends one communication per customer and level (both levels here), ours one "
        "per customer with its highest level."
    )
    return rows


def report(args, figures, made):
    """The whole markdown report (the parts that ran)."""
    lines = [
        "# Side-by-side benchmarks",
        "",
        f"{figures.get('measured_at') or time.strftime('%Y-%m-%d %H:%M UTC')}; Odoo 18.0, "
        f"Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs ({platform.processor() or platform.machine()}). "
        f"Same generated ledger in each database: {made['customers']} customers, {made['invoices']} invoices "
        f"(every aging bucket, half partly paid, half in EUR), {made['orders']} confirmed orders.",
        "",
    ]
    for note in figures.get("notes", []):  # added by hand to a saved --json, e.g. a part measured again
        lines += [note, ""]
    if "credit_check" in figures:
        lines += [
            "## Credit check in `sale.order.action_confirm`",
            "",
            *check_table(figures["credit_check"]),
            "",
            f"Median of {args.runs} confirmations each, interleaved across the databases in one process. "
            "Goal: ours ≤ 5 % and flat in the item count.",
            "",
        ]
    if "dunning_ours" in figures:
        lines += ["## Dunning run", "", *dunning_table(figures["dunning_ours"], figures["dunning_oca"]), ""]
    if "aging" in figures:
        aging = figures["aging"]
        lines += [
            "## Aging XLSX (ours)",
            "",
            "| open items | customers | median s | max s | peak RSS MB |",
            "|---:|---:|---:|---:|---:|",
            f"| {aging[0]} | {aging[1]} | {aging[2]} | {aging[3]} | {aging[4]} |",
            "",
        ]
    if "workers" in figures:
        lines += workers_table(figures["workers"])
    if figures.get("total_seconds"):
        lines += [f"Whole benchmark: {figures['total_seconds']:.0f} s.", ""]
    return "\n".join(lines)


def workers_table(workers):
    """Markdown section of the cron-worker runs."""
    lines = [
        "## Our dunning cron with several cron workers",
        "",
        "| cron workers | communications | wall s | comms/s | speed-up | duplicates |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    base = workers[0]["per_second"] if workers else 0
    for fig in workers:
        lines.append(
            f"| {fig['workers']} | {fig['communications']} | {fig['seconds']:.1f} | {fig['per_second']:.0f} "
            f"| {ratio(fig['per_second'], base)} | {fig['duplicates']} |"
        )
    lines += [
        "",
        "Each worker count on a fresh copy of the same database; wall time from the run's creation to "
        "its last communication.",
        "",
    ]
    return lines


def write_report(args, text):
    """Print the report; write it to ``--out`` too."""
    print("\n" + text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"written to {args.out}")


def main(argv=None):
    """Create the databases, run everything, write the report."""
    args = parse_args(argv)
    if args.from_json:
        figures = load(args.from_json)
        write_report(args, report(args, figures, figures["made"]))
        return 0
    dbs = {flavour: f"{args.prefix}_{flavour}" for flavour in FLAVOURS}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        try:
            for flavour, modules in FLAVOURS.items():
                step(f"Database {dbs[flavour]} ({modules}) and its ledger")
                create_db(dbs[flavour], modules)
                script(
                    "bench_generate.py",
                    "--db",
                    dbs[flavour],
                    "--customers",
                    args.customers,
                    "--invoices",
                    args.invoices,
                    "--orders",
                    args.orders,
                    "--json",
                    tmp / f"made_{flavour}.json",
                )
            made = load(tmp / "made_ours.json")
            figures = measure(args, dbs, tmp)
        finally:
            if not args.keep:
                for db in [*dbs.values(), f"{args.prefix}_tpl"]:
                    drop_db(db)
    figures["made"] = made
    figures["measured_at"] = time.strftime("%Y-%m-%d %H:%M UTC")
    figures["total_seconds"] = time.perf_counter() - started
    write_report(args, report(args, figures, made))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
