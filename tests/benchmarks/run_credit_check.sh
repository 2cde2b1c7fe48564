#!/usr/bin/env bash
# Benchmark of the credit check at sale order confirmation (ar_credit_control).
#   tests/benchmarks/run_credit_check.sh [--odoo-src PATH] [--items 100,10000,50000] [--runs 20]
#                                        [--warmup 2] [--out FILE.md] [--cleanup]
# Prepares the machine as setup/test.sh does, creates the database
# ${AR_BENCH_DB:-ar_bench} with ar_credit_control (no demo data) the first time,
# then runs bench_credit_check.py on it; other options go to the script.
source "$(dirname "${BASH_SOURCE[0]}")/../../setup/lib.sh"
parse_common_args "$@"
set -- "${REMAINING_ARGS[@]+"${REMAINING_ARGS[@]}"}"
case "${1:-}" in -h|--help) sed -n '2,7p' "$0"; exit 0 ;; esac
run_benchmark "${AR_BENCH_DB:-ar_bench}" ar_credit_control tests/benchmarks/bench_credit_check.py "$@"
