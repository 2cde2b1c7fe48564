#!/usr/bin/env bash
# Benchmark of the daily dunning run (ar_dunning).
#   tests/benchmarks/run_dunning_run.sh [--odoo-src PATH] [--customers 10000] [--invoices 10]
#                                       [--batch-size 500] [--out FILE.md] [--cleanup] [--profile FILE]
# Prepares the machine as setup/test.sh does, creates the database
# ${AR_BENCH_DUNNING_DB:-ar_bench_dunning} with ar_dunning (no demo data) the first time,
# then runs bench_dunning_run.py on it; other options go to the script.
source "$(dirname "${BASH_SOURCE[0]}")/../../setup/lib.sh"
parse_common_args "$@"
set -- "${REMAINING_ARGS[@]+"${REMAINING_ARGS[@]}"}"
case "${1:-}" in -h|--help) sed -n '2,7p' "$0"; exit 0 ;; esac
run_benchmark "${AR_BENCH_DUNNING_DB:-ar_bench_dunning}" ar_dunning tests/benchmarks/bench_dunning_run.py "$@"
