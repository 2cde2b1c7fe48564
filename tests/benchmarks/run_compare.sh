#!/usr/bin/env bash
# Side-by-side benchmarks: plain Odoo, AR Credit Suite and the OCA peers on the same data.
#   tests/benchmarks/run_compare.sh [--odoo-src PATH] [--tiny] [--out FILE.md] [--keep] [compare.py options]
# Prepares the machine as setup/test.sh does, fetches the OCA 18.0 peers from
# PyPI (once), then runs compare.py: its own databases, its own data, one
# markdown report.  The full run takes about an hour on 2 cores.
source "$(dirname "${BASH_SOURCE[0]}")/../../setup/lib.sh"
parse_common_args "$@"
set -- "${REMAINING_ARGS[@]+"${REMAINING_ARGS[@]}"}"
case "${1:-}" in -h|--help) sed -n '2,6p' "$0"; exit 0 ;; esac
prepare
ensure_oca_peers
odoo_base_args
AR_ODOO_ARGS="$(printf '%s\n' "${ODOO_ARGS[@]}")"; export AR_ODOO_ARGS
cd "$REPO_ROOT"
TZ=UTC exec "$VPY" tests/benchmarks/compare.py "$@"
