#!/usr/bin/env bash
# README command 2: the whole test suite.
#   setup/test.sh [--odoo-src PATH] [--keep-db] [-- PYTEST_ARGS...]
# Prepares the machine as setup/demo.sh does, installs the three addons in a
# fresh database with Odoo's test runner on (at_install and post_install tests
# of our addons), then runs the pytest suite in tests/ against that database
# (including real servers driven through JSON-RPC, the reliability suite and a
# tiny run of the side-by-side benchmarks against the OCA peers, fetched from
# PyPI once).  Exits non-zero on any
# failure; the last line is "N passed, N failed" over both runners.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_common_args "$@"
DB="${AR_TEST_DB:-ar_test}"; KEEP_DB=0; PYTEST_ARGS=()
set -- "${REMAINING_ARGS[@]+"${REMAINING_ARGS[@]}"}"
while [ $# -gt 0 ]; do
    case "$1" in
        --keep-db) KEEP_DB=1; shift ;;
        --) shift; PYTEST_ARGS=("$@"); break ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) die "Unknown option $1 (see --help)" ;;
    esac
done

prepare chromium
OUT="$AR_HOME/test-run/$DB"; mkdir -p "$OUT"
ODOO_LOG="$OUT/odoo-tests.log"; JUNIT="$OUT/pytest.xml"
rm -f "$ODOO_LOG" "$JUNIT"
drop_db "$DB"

TAGS="/${AR_ADDONS//,/,/}"
log "Odoo tests: installing $AR_ADDONS in a fresh database $DB (log: $ODOO_LOG)"
start=$(date +%s)
set +e
odoo -d "$DB" -i "$AR_ADDONS" --test-enable --test-tags="$TAGS" --stop-after-init \
    --log-level=test --http-port="${AR_TEST_HTTP_PORT:-8169}" --workers=0 --max-cron-threads=0 \
    2>&1 | tee "$ODOO_LOG" | grep -E --line-buffered ' (ERROR|CRITICAL|WARNING) |Starting [A-Za-z_]+\.test_|tests when loading| post-tests in '
odoo_rc=${PIPESTATUS[0]}
set -e
log "Odoo tests finished in $(( $(date +%s) - start )) s (exit code $odoo_rc)"

log "pytest: tests/"
ensure_oca_peers  # the tiny side-by-side benchmark (tests/test_benchmark_compare.py) installs them
odoo_base_args
export AR_TEST_DB="$DB" AR_ODOO_PYTHON="$VPY" AR_ODOO_ROOT="$ODOO_ROOT"
AR_ODOO_ARGS="$(printf '%s\n' "${ODOO_ARGS[@]}")"; export AR_ODOO_ARGS
set +e
(cd "$REPO_ROOT" && "$VPY" -m pytest tests -p no:cacheprovider --junitxml="$JUNIT" -q \
    "${PYTEST_ARGS[@]+"${PYTEST_ARGS[@]}"}")
pytest_rc=$?
set -e
[ "$KEEP_DB" = 1 ] || drop_db "$DB"

exec "$VPY" "$REPO_ROOT/setup/summarize.py" --odoo-log "$ODOO_LOG" --odoo-rc "$odoo_rc" \
    --junit "$JUNIT" --pytest-rc "$pytest_rc" --addons "$AR_ADDONS"
