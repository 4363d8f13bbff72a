#!/usr/bin/env bash
# Set up Caravan Atlas in this clone, then run the dashboard or the tests.
#
#   bash scripts/setup.sh run  [streamlit options]   # install, open the dashboard on the seeds
#   bash scripts/setup.sh test [pytest args]         # install, run the whole test suite
#
# Steps, each skipped when already done:
#   1. .venv/ in the repo root (needs python3 >= 3.11; set PYTHON=/path/to/python to pick one);
#   2. pip install -e '.[test]' (again only when pyproject.toml changed: .venv/.caravan-atlas-installed);
#   3. test only: Debian's Chromium at /usr/bin/chromium for the browser tests (apt-get);
#      never `playwright install`: Playwright drives that Chromium;
#   4. the gazetteer index cache (`caravan-atlas build-index`, ~10 s the first time);
#   5. run: streamlit on 127.0.0.1:8501  |  test: python -m pytest "$@".
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

# -- 3. Chromium for the browser tests ------------------------------------------------------
if [[ "$mode" == test && ! -x /usr/bin/chromium ]]; then
    if [[ $(id -u) -eq 0 ]]; then
        as_root=()
    elif command -v sudo >/dev/null 2>&1; then
        as_root=(sudo)
    else
        as_root=(none)
    fi
    if [[ "${as_root[*]-}" == none ]]; then
        say "WARNING: /usr/bin/chromium is missing and I am not root (and there is no sudo):"
        say "         run 'apt-get update && apt-get install -y chromium' as root; browser tests will fail or skip"
    else
        say "installing Debian's chromium for the browser tests (apt-get)"
        if ! { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
               && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; then
            say "WARNING: could not install chromium with apt-get (see above); browser tests will fail or skip"
        fi
    fi
fi

# -- 4. gazetteer index -------------------------------------------------------------------
"$venv/bin/caravan-atlas" build-index || die "caravan-atlas build-index failed"

# -- 5. go ----------------------------------------------------------------------------------
case "$mode" in
    run)
        if [[ ! -f dashboard/app.py ]]; then
            die "dashboard/app.py is not in this clone yet (the dashboard is in progress); try: .venv/bin/caravan-atlas geoparse seeds/000_8cc5013a2fc87902.txt"
        fi
        say "starting the dashboard: open the URL that streamlit prints below (Ctrl-C stops it)"
        exec "$venv/bin/streamlit" run dashboard/app.py \
            --server.address 127.0.0.1 --server.headless true "$@"
        ;;
    test)
        exec "$vpy" -m pytest "$@"
        ;;
esac
