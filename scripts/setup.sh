#!/usr/bin/env bash
# Set up Caravan Atlas in this clone, then run the dashboard or the tests.
#
#   bash scripts/setup.sh run  [streamlit options]   # install, open the dashboard on the seeds
#   bash scripts/setup.sh test [pytest args]         # install, run the whole test suite
#
# Steps, each skipped when already done:
#   1. .venv/ in the repo root (needs python3 >= 3.11; set PYTHON=/path/to/python to pick one);
#   2. pip install -e '.[test]' (again only when pyproject.toml changed: .venv/.caravan-atlas-installed);
#   3. test only: Debian's Chromium at /usr/bin/chromium for the browser tests and Debian's
#      PostgreSQL server for the store tests (one apt-get); never `playwright install`:
#      Playwright drives that Chromium;
#   4. the gazetteer index cache (`caravan-atlas build-index`, ~10 s the first time) and the map's
#      offline assets and basemap (`python -m dashboard.offline`, ~30 s the first time);
#   5. test only: a private, throwaway PostgreSQL cluster (initdb in a temp folder, a free
#      port on 127.0.0.1, ~1 s; never the system service), stopped and deleted on exit.
#      Its URL goes to the tests as CARAVAN_ATLAS_TEST_PG_URL. Already set: that server is
#      used instead. If it cannot be started the PostgreSQL store tests skip, with a warning;
#      under CI=true that is an error instead, so a green CI has tested both back ends;
#   6. run: streamlit on 127.0.0.1:8501  |  test: python -m pytest "$@".
set -euo pipefail

usage() {
    sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

[[ $# -ge 1 ]] || usage
mode=$1
shift
case "$mode" in
    run | test) ;;
    -h | --help | help) usage ;;
    *) echo "setup.sh: unknown command '$mode' (expected run or test)" >&2; usage ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
venv="$root/.venv"
say() { echo "setup.sh: $*" >&2; }
die() { echo "setup.sh: error: $*" >&2; exit 1; }
case "${CI:-}" in [Tt][Rr][Uu][Ee] | 1 | [Yy][Ee][Ss]) in_ci=1 ;; *) in_ci=0 ;; esac

# -- 1. virtualenv ------------------------------------------------------------------------
py_ok() {  # is "$1" a Python >= 3.11?
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}

if [[ -x "$venv/bin/python" ]] && ! py_ok "$venv/bin/python"; then
    die ".venv/ holds $("$venv/bin/python" --version 2>&1), but Caravan Atlas needs Python >= 3.11: remove .venv/ and run again"
fi
if [[ ! -x "$venv/bin/python" ]]; then
    python=""
    for cand in ${PYTHON:-} python3 python3.13 python3.12 python3.11; do
        if command -v "$cand" >/dev/null 2>&1 && py_ok "$cand"; then
            python=$cand
            break
        fi
    done
    if [[ -z "$python" ]]; then
        found=$(python3 --version 2>&1 || echo "no python3 on PATH")
        die "Caravan Atlas needs Python >= 3.11 (found: $found). Install it (Debian/Ubuntu: apt-get install python3 python3-venv) or set PYTHON=/path/to/python3.11"
    fi
    say "creating .venv/ with $("$python" --version 2>&1)"
    "$python" -m venv "$venv" || die "could not create .venv/ (Debian/Ubuntu: apt-get install python3-venv)"
fi
vpy="$venv/bin/python"

# -- 2. the package and its dependencies ----------------------------------------------------
stamp="$venv/.caravan-atlas-installed"
want=$("$vpy" -c 'import hashlib, sys; print(hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest())')
have=$(cat "$stamp" 2>/dev/null || true)
if [[ "$want" != "$have" || ! -x "$venv/bin/caravan-atlas" ]]; then
    say "installing caravan-atlas and its dependencies into .venv/ (pip install -e '.[test]')"
    t0=$SECONDS
    # Build back-end warnings are noise on success: keep them in a log, show it on failure.
    pip_log="$venv/pip-install.log"
    if ! "$vpy" -m pip install --quiet --disable-pip-version-check -e '.[test]' >"$pip_log" 2>&1; then
        tail -n 40 "$pip_log" >&2
        die "pip install -e '.[test]' failed (last lines above; whole log: .venv/pip-install.log)"
    fi
    echo "$want" >"$stamp"
    say "installed in $((SECONDS - t0)) s"
fi

# -- 3. Chromium for the browser tests, PostgreSQL for the store tests ------------------------
pg_bin() {  # the bin/ folder of the newest installed PostgreSQL server, or nothing
    local p
    p=$(printf '%s\n' /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n 1)
    [[ -x "$p" ]] && dirname "$p"
    return 0
}
if [[ "$mode" == test ]]; then
    apt_pkgs=()
    [[ -x /usr/bin/chromium ]] || apt_pkgs+=(chromium)
    [[ -n "$(pg_bin)" ]] || apt_pkgs+=(postgresql)
fi
if [[ "$mode" == test && ${#apt_pkgs[@]} -gt 0 ]]; then
    if [[ $(id -u) -eq 0 ]]; then
        as_root=()
    elif command -v sudo >/dev/null 2>&1; then
        as_root=(sudo)
    else
        as_root=(none)
    fi
    if [[ "${as_root[*]-}" == none ]]; then
        say "WARNING: ${apt_pkgs[*]} missing and I am not root (and there is no sudo):"
        say "         run 'apt-get update && apt-get install -y ${apt_pkgs[*]}' as root;"
        say "         without chromium browser tests fail or skip, without postgresql the PostgreSQL store tests skip"
    else
        say "installing Debian's ${apt_pkgs[*]} for the tests (apt-get)"
        t0=$SECONDS
        if ! { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
               && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null; }; then
            say "WARNING: could not install ${apt_pkgs[*]} with apt-get (see above); the tests that need them will fail or skip"
        else
            say "installed ${apt_pkgs[*]} in $((SECONDS - t0)) s"
        fi
    fi
fi

# -- 4. gazetteer index -------------------------------------------------------------------
"$venv/bin/caravan-atlas" build-index || die "caravan-atlas build-index failed"
# the map's offline assets and basemap (Leaflet, coasts, state lines, place names: ~30 s once)
(cd "$root" && "$venv/bin/python" -m dashboard.offline) || die "building the map's offline basemap failed"

# -- 5. a throwaway PostgreSQL for the store tests --------------------------------------------
pg_dir="" pg_started=0 pg_as=()
pg_stop() {  # also a server that pg_ctl gave up waiting for: it has a postmaster.pid
    if [[ -n "$pg_dir" && -f "$pg_dir/data/postmaster.pid" ]]; then
        if ! (cd / && "${pg_as[@]}" "$pg_bindir/pg_ctl" -D "$pg_dir/data" -m fast -s stop) >/dev/null 2>&1; then
            say "WARNING: could not stop the test PostgreSQL (data in $pg_dir)"
            return 0
        fi
    fi
    pg_started=0
    if [[ -n "$pg_dir" ]]; then
        rm -rf "$pg_dir"
        pg_dir=""
    fi
}
pg_unavailable() {  # a warning, the PostgreSQL store tests skip; under CI an error
    if [[ $in_ci == 1 ]]; then
        die "$* (CI=true: the store must be tested on PostgreSQL too)"
    fi
    say "WARNING: $*; the PostgreSQL store tests will be skipped"
    pg_stop
}
pg_start() {
    pg_bindir=$(pg_bin)
    if [[ -z "$pg_bindir" ]]; then
        pg_unavailable "no PostgreSQL server (/usr/lib/postgresql/*/bin/postgres): apt-get install postgresql"
        return 0
    fi
    if [[ $(id -u) -eq 0 ]]; then  # the server refuses to run as root
        if ! id -u postgres >/dev/null 2>&1; then
            pg_unavailable "no 'postgres' user to run the test PostgreSQL as"
            return 0
        fi
        pg_as=(runuser -u postgres --)
    fi
    local t0=${EPOCHREALTIME/,/.} password port log try
    trap pg_stop EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    pg_dir=$(mktemp -d /tmp/caravan-atlas-pg.XXXXXX)  # short: it holds the server's socket
    [[ $(id -u) -ne 0 ]] || chown postgres: "$pg_dir"
    password=$("$vpy" -c 'import secrets; print(secrets.token_hex(16))')
    (umask 077 && printf '%s\n' "$password" >"$pg_dir/pwfile")
    [[ $(id -u) -ne 0 ]] || chown postgres: "$pg_dir/pwfile"
    log="$pg_dir/server.log"
    # Throwaway data: no fsync; UTF-8 whatever the caller's locale; passwords even on 127.0.0.1.
    if ! (cd / && "${pg_as[@]}" "$pg_bindir/initdb" -D "$pg_dir/data" -U caravan_atlas --pwfile="$pg_dir/pwfile" \
              -E UTF8 --locale=C.UTF-8 --auth=scram-sha-256 --no-sync) >"$pg_dir/initdb.log" 2>&1; then
        tail -n 20 "$pg_dir/initdb.log" >&2
        pg_unavailable "initdb of the test PostgreSQL failed (above)"
        return 0
    fi
    rm -f "$pg_dir/pwfile"
    for try in 1 2 3; do  # a free port, unless someone takes it first
        port=$("$vpy" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        if (cd / && "${pg_as[@]}" "$pg_bindir/pg_ctl" -D "$pg_dir/data" -l "$log" -w -t 60 -s \
                -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
                start) >/dev/null 2>&1; then
            pg_started=1
            break
        fi
    done
    if [[ $pg_started != 1 ]]; then
        tail -n 20 "$log" >&2 2>/dev/null || true
        pg_unavailable "the test PostgreSQL did not start (log above)"
        return 0
    fi
    if ! PGPASSWORD=$password "$pg_bindir/createdb" -h 127.0.0.1 -p "$port" -U caravan_atlas caravan_atlas_test; then
        pg_unavailable "could not create the test database"
        return 0
    fi
    export CARAVAN_ATLAS_TEST_PG_URL="postgresql+psycopg://caravan_atlas:$password@127.0.0.1:$port/caravan_atlas_test"
    say "test PostgreSQL $("$pg_bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" \
        "(started in $(awk "BEGIN { printf \"%.1f\", ${EPOCHREALTIME/,/.} - $t0 }") s; stopped on exit)"
}
if [[ "$mode" == test ]]; then
    if [[ -n "${CARAVAN_ATLAS_TEST_PG_URL:-}" ]]; then
        say "store tests use the PostgreSQL in CARAVAN_ATLAS_TEST_PG_URL"
    else
        pg_start
    fi
fi

# -- 6. go ----------------------------------------------------------------------------------
case "$mode" in
    run)
        say "starting the dashboard: open the URL that streamlit prints below (Ctrl-C stops it)"
        exec "$venv/bin/streamlit" run dashboard/app.py \
            --server.address 127.0.0.1 --server.headless true "$@"
        ;;
    test)
        # not exec: the EXIT trap stops the test PostgreSQL, whatever pytest returns
        status=0
        "$vpy" -m pytest "$@" || status=$?
        exit "$status"
        ;;
esac
