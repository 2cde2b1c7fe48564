#!/usr/bin/env bash
# Code quality, as the OCA runs it: ruff (format + lint) and pylint-odoo.
#   setup/lint.sh          check only (exit 1 on any finding)
#   setup/lint.sh --fix    apply ruff's formatting and safe fixes first
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AR_HOME="${AR_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/ar-credit-suite}"
PYTHON="${PYTHON:-python3}"
key="$(cat "$REPO_ROOT/requirements-lint.txt" | sha256sum | cut -c1-12)"
venv="$AR_HOME/lint-venv-$key"
if [ ! -f "$venv/.complete" ]; then
    echo "[ar-lint] building $venv" >&2
    rm -rf "$venv"; "$PYTHON" -m venv "$venv"
    "$venv/bin/pip" install -q --prefer-binary -r "$REPO_ROOT/requirements-lint.txt"
    touch "$venv/.complete"
fi
cd "$REPO_ROOT"
if [ "${1:-}" = --fix ]; then
    "$venv/bin/ruff" format .
    "$venv/bin/ruff" check --fix .
fi
status=0
"$venv/bin/ruff" format --check . || status=1
"$venv/bin/ruff" check --no-fix . || status=1
"$venv/bin/pylint" --rcfile=.pylintrc addons/* || status=1
[ $status = 0 ] && echo "[ar-lint] clean" >&2
exit $status
