#!/usr/bin/env bash
# Benchmark of the aging XLSX export (ar_credit_control).
#   tests/benchmarks/run_aging_xlsx.sh [--odoo-src PATH] [--items 200000] [--customers 200] [--runs 3]
#                                        [--out FILE.md] [--cleanup]
# Prepares the machine as setup/test.sh does, creates the database
# ${AR_BENCH_DB:-ar_bench} with ar_credit_control (no demo data) the first time,
# then runs bench_aging_xlsx.py on it; other options go to the script.
source "$(dirname "${BASH_SOURCE[0]}")/../../setup/lib.sh"
parse_common_args "$@"
set -- "${REMAINING_ARGS[@]+"${REMAINING_ARGS[@]}"}"
case "${1:-}" in -h|--help) sed -n '2,7p' "$0"; exit 0 ;; esac
run_benchmark "${AR_BENCH_DB:-ar_bench}" ar_credit_control tests/benchmarks/bench_aging_xlsx.py "$@"
