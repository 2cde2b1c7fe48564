# shellcheck shell=bash
# Shared preparation behind the README commands (setup/demo.sh, setup/test.sh).
# Sourced, not run.  Everything here is idempotent: a second run reuses the
# virtualenv, the Odoo source and the database role, and takes seconds.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AR_HOME="${AR_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/ar-credit-suite}"
PYTHON="${PYTHON:-python3}"
ODOO_SRC="${ODOO_SRC:-}"
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo}"
AR_DB_HOST="${AR_DB_HOST:-localhost}"
AR_DB_PORT="${AR_DB_PORT:-5432}"
AR_DB_USER="${AR_DB_USER:-odoo}"
AR_DB_PASSWORD="${AR_DB_PASSWORD:-odoo}"
AR_ADDONS="ar_credit_control,ar_dunning,ar_insurance"

log() { printf '\033[1m[ar-setup]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[ar-setup] %s\033[0m\n' "$*" >&2; exit 2; }

# --odoo-src PATH (a source tree or a tarball) is the option form of ODOO_SRC.
parse_common_args() {
    REMAINING_ARGS=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --odoo-src) ODOO_SRC="$2"; shift 2 ;;
            --odoo-src=*) ODOO_SRC="${1#*=}"; shift ;;
            *) REMAINING_ARGS+=("$1"); shift ;;
        esac
    done
}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "Need root to run: $* (install it by hand, then run again)"
    fi
}

# ensure_apt_packages PKG...: install the Debian packages that are missing.
ensure_apt_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || die "Missing system packages: ${missing[*]}; install them with your package manager."
    log "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ensure_postgres: a running cluster and a login role that is not a superuser.
ensure_postgres() {
    if ! pg_isready -q -h "$AR_DB_HOST" -p "$AR_DB_PORT" 2>/dev/null; then
        local cluster
        cluster="$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1" "$2}')"
        [ -n "$cluster" ] || die "No PostgreSQL cluster found; install postgresql and create one (pg_createcluster)."
        log "Starting PostgreSQL cluster $cluster"
        # shellcheck disable=SC2086
        as_root pg_ctlcluster $cluster start
        for _ in $(seq 30); do pg_isready -q -h "$AR_DB_HOST" -p "$AR_DB_PORT" && break; sleep 1; done
    fi
    pg_isready -q -h "$AR_DB_HOST" -p "$AR_DB_PORT" || die "PostgreSQL does not answer on $AR_DB_HOST:$AR_DB_PORT."
    [ "$AR_DB_USER" != postgres ] || die "Odoo refuses to run as the postgres role: set AR_DB_USER to another role."
    if ! PGPASSWORD="$AR_DB_PASSWORD" psql -h "$AR_DB_HOST" -p "$AR_DB_PORT" -U "$AR_DB_USER" -d postgres -Atc 'select 1' >/dev/null 2>&1; then
        log "Creating PostgreSQL role $AR_DB_USER (LOGIN CREATEDB, not a superuser)"
        as_root su postgres -c "psql -v ON_ERROR_STOP=1 -q -d postgres" <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$AR_DB_USER') THEN
    CREATE ROLE "$AR_DB_USER" LOGIN CREATEDB NOSUPERUSER PASSWORD '$AR_DB_PASSWORD';
  ELSE
    ALTER ROLE "$AR_DB_USER" LOGIN CREATEDB PASSWORD '$AR_DB_PASSWORD';
  END IF;
END \$\$;
SQL
    fi
}

odoo18_importable() {  # odoo18_importable PYTHON -> prints the source root
    "$1" - <<'PY' 2>/dev/null
import os, sys
import odoo.release as release
if release.version_info[0] != 18:
    sys.exit(1)
import odoo
print(os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__))))
PY
}

# Resolve ODOO_SRC (tree or tarball) to a source tree holding odoo-bin.
odoo_tree_from_src() {
    local src="$1" dest
    if [ -d "$src" ]; then
        [ -f "$src/odoo/release.py" ] || die "ODOO_SRC=$src is not an Odoo source tree (no odoo/release.py)."
        (cd "$src" && pwd); return
    fi
    [ -f "$src" ] || die "ODOO_SRC=$src does not exist."
    dest="$AR_HOME/odoo/$(sha256sum "$src" | cut -c1-16)"
    if [ ! -f "$dest/.complete" ]; then
        log "Unpacking Odoo from $src"
        rm -rf "$dest"; mkdir -p "$dest"
        tar -xzf "$src" -C "$dest"
        touch "$dest/.complete"
    fi
    local root
    root="$(dirname "$(find "$dest" -maxdepth 3 -name odoo-bin -print -quit)")"
    [ -f "$root/odoo/release.py" ] || die "The tarball $src holds no Odoo source tree."
    echo "$root"
}

# find_odoo: sets ODOO_ROOT and ODOO_MODE (importable | source).
#   1. an odoo 18 importable by $PYTHON;
#   2. a tree or tarball from ODOO_SRC / --odoo-src;
#   3. the tree a previous run used (remembered in $AR_HOME/odoo-root);
#   4. a shallow clone of the official 18.0 branch.
find_odoo() {
    mkdir -p "$AR_HOME"
    local root
    if root="$(odoo18_importable "$PYTHON")" && [ -n "$root" ]; then
        ODOO_MODE=importable; ODOO_ROOT="$root"
    elif [ -n "$ODOO_SRC" ]; then
        ODOO_MODE=source; ODOO_ROOT="$(odoo_tree_from_src "$ODOO_SRC")"
    elif [ -f "$AR_HOME/odoo-root" ] && [ -f "$(cat "$AR_HOME/odoo-root")/odoo/release.py" ]; then
        ODOO_MODE=source; ODOO_ROOT="$(cat "$AR_HOME/odoo-root")"
    else
        ODOO_MODE=source; ODOO_ROOT="$AR_HOME/odoo/git-18.0"
        if [ ! -f "$ODOO_ROOT/odoo/release.py" ]; then
            log "Odoo 18 not found: cloning the 18.0 branch of $ODOO_GIT_URL (shallow)"
            rm -rf "$ODOO_ROOT"
            if ! git clone -q --depth 1 --branch 18.0 "$ODOO_GIT_URL" "$ODOO_ROOT"; then
                rm -rf "$ODOO_ROOT"
                die "Odoo 18 could not be found or cloned. Provide it in one of these ways:
  - make 'import odoo' (18.0) work in \$PYTHON (now: $PYTHON);
  - ODOO_SRC=/path/to/odoo-18.0 (a source tree) or ODOO_SRC=/path/to/odoo-18.0.tar.gz, or --odoo-src PATH;
  - give this machine access to $ODOO_GIT_URL (or set ODOO_GIT_URL to a mirror)."
            fi
        fi
    fi
    grep -q "version_info = (18, 0" "$ODOO_ROOT/odoo/release.py" \
        || die "$ODOO_ROOT is not Odoo 18.0 (see its odoo/release.py)."
    [ "$ODOO_MODE" = source ] && echo "$ODOO_ROOT" >"$AR_HOME/odoo-root"
    log "Odoo 18 ($ODOO_MODE): $ODOO_ROOT"
}

# ensure_venv: a virtualenv outside the clone, rebuilt only when the
# requirements change.  Sets VPY (its python).
ensure_venv() {
    local key venv reqs
    reqs="$(mktemp)"
    if [ "$ODOO_MODE" = source ]; then
        "$PYTHON" -m pip install -q packaging >/dev/null 2>&1 || true
        "$PYTHON" "$REPO_ROOT/setup/odoo_requirements.py" "$ODOO_ROOT/requirements.txt" >"$reqs" \
            || die "Could not read $ODOO_ROOT/requirements.txt"
    fi
    cat "$REPO_ROOT/requirements.txt" "$REPO_ROOT/requirements-dev.txt" >>"$reqs"
    key="$( (cat "$reqs"; echo "$ODOO_MODE $ODOO_ROOT"; "$PYTHON" -VV) | sha256sum | cut -c1-12)"
    venv="$AR_HOME/venv-$key"
    VPY="$venv/bin/python"
    if [ ! -f "$venv/.complete" ]; then
        log "Building virtualenv $venv (Odoo's and the suite's requirements; about a minute)"
        rm -rf "$venv"
        if [ "$ODOO_MODE" = importable ]; then
            "$PYTHON" -m venv --system-site-packages "$venv"
        else
            "$PYTHON" -m venv "$venv"
        fi
        "$VPY" -m pip install -q --upgrade pip wheel setuptools >/dev/null
        "$VPY" -m pip install -q --prefer-binary -r "$reqs" || die "pip could not install the requirements (see above)."
        if [ "$ODOO_MODE" = source ]; then
            "$VPY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' | {
                read -r site; echo "$ODOO_ROOT" >"$site/odoo-source.pth"; }
        fi
        touch "$venv/.complete"
    fi
    rm -f "$reqs"
    odoo18_importable "$VPY" >/dev/null || die "The virtualenv $venv cannot import Odoo 18."
}

# prepare [extra apt packages...]: everything both README commands need.
prepare() {
    # fonts-noto-cjk: Chinese customers' names and zh_CN reports render in PDFs and the browser;
    # poppler-utils: pdftotext reads the text of the PDFs the tests produce
    ensure_apt_packages postgresql wkhtmltopdf fonts-noto-cjk poppler-utils "$@"
    ensure_postgres
    find_odoo
    ensure_venv
}

# ensure_oca_peers: the OCA 18.0 peers of tests/benchmarks/requirements-peers.txt
# (PyPI wheels, without their dependency on an "odoo" package) unpacked once
# under $AR_HOME; sets OCA_PEERS_PATH, which odoo_base_args then adds to the
# addons path.  Only the side-by-side benchmarks install them, in databases of
# their own.
ensure_oca_peers() {
    local pins="$REPO_ROOT/tests/benchmarks/requirements-peers.txt" dir
    dir="$AR_HOME/oca-peers-$(sha256sum "$pins" | cut -c1-12)"
    if [ ! -f "$dir/.complete" ]; then
        log "Fetching the OCA peers for the side-by-side benchmarks from PyPI"
        rm -rf "$dir"; mkdir -p "$dir/wheels" "$dir/addons"
        "$VPY" -m pip download -q --no-deps -d "$dir/wheels" -r "$pins" 2>&1 | { grep -v "is ignored" >&2 || true; } \
            || die "pip could not download the OCA peers (is PyPI reachable?)"
        "$VPY" - "$dir" <<'PY' || die "Could not unpack the OCA peers"
import pathlib, sys, zipfile
root = pathlib.Path(sys.argv[1])
for wheel in (root / "wheels").glob("*.whl"):
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if member.startswith("odoo/addons/") and not member.endswith("/"):
                target = root / "addons" / member[len("odoo/addons/"):]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(member))
PY
        touch "$dir/.complete"
    fi
    OCA_PEERS_PATH="$dir/addons"
}

# The Odoo command line for the suite: python, addons path and database access.
odoo_base_args() {
    local paths="$REPO_ROOT/addons,$ODOO_ROOT/odoo/addons"
    [ -f "$ODOO_ROOT/addons/web/__manifest__.py" ] && paths="$paths,$ODOO_ROOT/addons"
    [ -n "${OCA_PEERS_PATH:-}" ] && paths="$paths,$OCA_PEERS_PATH"
    ODOO_ARGS=(--addons-path="$paths" --db_host="$AR_DB_HOST" --db_port="$AR_DB_PORT"
        --db_user="$AR_DB_USER" --db_password="$AR_DB_PASSWORD")
}

# odoo [SUBCOMMAND] ARGS...: run Odoo from the virtualenv with the suite's addons.
odoo() {
    local sub=()
    case "${1:-}" in -*|"") ;; *) sub=("$1"); shift ;; esac
    odoo_base_args
    TZ=UTC "$VPY" -m odoo "${sub[@]+"${sub[@]}"}" "${ODOO_ARGS[@]}" "$@"
}

db_exists() {
    PGPASSWORD="$AR_DB_PASSWORD" psql -h "$AR_DB_HOST" -p "$AR_DB_PORT" -U "$AR_DB_USER" -d postgres -Atc \
        "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1
}

drop_db() {
    # --force: a server or test left running on the database must not stop a fresh run
    PGPASSWORD="$AR_DB_PASSWORD" dropdb --if-exists --force -h "$AR_DB_HOST" -p "$AR_DB_PORT" -U "$AR_DB_USER" "$1"
}

# run_benchmark DB ADDON SCRIPT ARGS...: prepare the machine, create DB with
# ADDON (no demo data) the first time (update ADDON on later runs), then run the benchmark SCRIPT on it with
# the Odoo command line exported as AR_ODOO_ARGS (what the scripts read).
run_benchmark() {
    local db="$1" addon="$2" script="$3"; shift 3
    prepare
    odoo_base_args
    if ! db_exists "$db"; then
        log "Creating the benchmark database $db ($addon, no demo data)"
        odoo -d "$db" -i "$addon" --without-demo=all --stop-after-init --log-level=warn
    else
        log "Updating $addon in the benchmark database $db"
        odoo -d "$db" -u "$addon" --stop-after-init --log-level=warn
    fi
    AR_ODOO_ARGS="$(printf '%s\n' "${ODOO_ARGS[@]}")"; export AR_ODOO_ARGS
    cd "$REPO_ROOT"
    TZ=UTC exec "$VPY" "$script" --db "$db" "$@"
}
