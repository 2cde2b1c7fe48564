"""Generate the side-by-side benchmarks' ledger in one database (see datagen.py).

    python tests/benchmarks/bench_generate.py --db arcmp_ours --customers 10000 --invoices 100000 \
        --orders 200

Run with the Odoo virtualenv's python and AR_ODOO_ARGS (tests/benchmarks/compare.py
does both). Refuses to run twice on a database (the ref is taken).
"""

import argparse
import json
import sys
import time

import datagen

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

LEDGER_REF = "ar-cmp-ledger"


def parse_args(argv=None):
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--invoices", type=int, default=100000)
    parser.add_argument("--orders", type=int, default=200, help="confirmed sale orders")
    parser.add_argument("--json", help="write what was generated to this file")
    args = parser.parse_args(argv)
    if args.customers < 1 or args.invoices < args.customers or args.orders < 0:
        parser.error("--invoices >= --customers >= 1, --orders >= 0")
    return args


def main(argv=None):
    """Generate the ledger; print and optionally write what was made."""
    args = parse_args(argv)
    datagen.configure(args.db)
    with Registry(args.db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if env["res.partner"].search_count([("ref", "=", LEDGER_REF)]):
            raise SystemExit(f"{args.db} already has the benchmark ledger")
        company = env.ref("base.user_admin").company_id
        start = time.perf_counter()
        ledger = datagen.generate(
            env,
            company,
            customers=args.customers,
            invoices=args.invoices,
            ref=LEDGER_REF,
            name="AR Compare Customer",
            code="ARG",
            orders=args.orders,
        )
        seconds = time.perf_counter() - start
    made = {
        "customers": len(ledger.partner_ids),
        "invoices": ledger.invoices,
        "orders": ledger.orders,
        "seconds": round(seconds, 1),
    }
    print(f"{args.db}: {made}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(made, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
