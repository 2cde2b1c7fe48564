#!/usr/bin/env bash
# README command 1: a running demo of AR Credit Suite on http://localhost:8069.
#   setup/demo.sh [--odoo-src PATH] [--db NAME] [--port N] [--reset]
# Installs what is missing, creates the database with the three addons and
# their demo data (once), updates the addons on later runs, starts the server.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_common_args "$@"
DB="${AR_DEMO_DB:-ar_demo}"; PORT="${AR_DEMO_PORT:-8069}"; RESET=0
set -- "${REMAINING_ARGS[@]+"${REMAINING_ARGS[@]}"}"
while [ $# -gt 0 ]; do
    case "$1" in
        --db) DB="$2"; shift 2 ;;
        --port) PORT="$2"; shift 2 ;;
        --reset) RESET=1; shift ;;
        -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
        *) die "Unknown option $1 (see --help)" ;;
    esac
done

prepare
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    die "Port $PORT is already in use (a demo server already running?). Stop it or pass --port N."
fi
[ "$RESET" = 1 ] && { log "Dropping database $DB"; drop_db "$DB"; }
# payment_demo: Odoo's demo payment provider (test mode), so the reminders' "Pay now" links can be
# followed to the end in the demo; a real database enables its own providers instead
if db_exists "$DB"; then
    log "Database $DB exists: updating the suite's addons"
    odoo -d "$DB" -u "$AR_ADDONS" -i payment_demo --stop-after-init --log-level=warn
else
    log "Creating database $DB with the three addons and demo data (a few minutes)"
    odoo -d "$DB" -i "$AR_ADDONS,payment_demo" --stop-after-init --log-level=warn
fi
cat >&2 <<MSG

  AR Credit Suite demo is starting on  http://localhost:$PORT
  database: $DB    login: admin    password: admin
  (credit manager: admin; a sales rep without credit rights: demo / demo)
  Stop it with Ctrl+C; run this command again to start it again.

MSG
exec env TZ=UTC "$VPY" -m odoo "${ODOO_ARGS[@]}" -d "$DB" --db-filter="^$DB\$" \
    --http-interface=127.0.0.1 --http-port="$PORT" --log-level=info
