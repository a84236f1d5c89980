#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks, then the project's own environment.
# Reaches only Debian's packages, PyPI and the npm registry. Safe to run again: it skips what exists.
set -euo pipefail
cd "$(dirname "$0")/../.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "This machine has no apt-get. Install these yourself, then run again: $*" >&2
    exit 1
  fi
  say "Installing with apt: $*"
  if [ ! -f .local/.apt-updated ]; then
    $SUDO apt-get update -qq
    mkdir -p .local && touch .local/.apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# --- PostgreSQL + PostGIS (skipped when DATABASE_URL points elsewhere) ---
if [ -z "${DATABASE_URL:-}" ]; then
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    apt_install postgresql
  fi
  PG_MAJOR=$(ls /usr/lib/postgresql | sort -n | tail -1)
  if [ ! -f "/usr/share/postgresql/$PG_MAJOR/extension/postgis.control" ]; then
    apt_install "postgresql-$PG_MAJOR-postgis-3"
  fi
fi

# --- Chromium for the browser tests (Debian's build; Playwright's own download cannot work) ---
if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi

# --- Node.js + npm, needed to fetch bun from the npm registry ---
if ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi

# --- Python virtual environment with the project ---
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  say "Creating .venv"
  "$PYTHON" -m venv .venv || { apt_install python3-venv; "$PYTHON" -m venv .venv; }
fi
STAMP=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$STAMP" ]; then
  say "Installing the project into .venv"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".[dev]"
  rm -f .venv/.installed-* && touch "$STAMP"
fi

# --- bun from the npm registry (Reflex's own download goes to GitHub, which is unreachable) ---
if [ ! -d .local/bun/node_modules/bun ]; then
  say "Installing bun from the npm registry"
  mkdir -p .local/bun
  npm install --no-save --no-audit --no-fund --prefix .local/bun bun@1.4.5 >/dev/null
fi
