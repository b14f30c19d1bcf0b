#!/usr/bin/env bash
# Runs every test (unit, integration, browser) on SQLite:   bash test.sh
# and then again on PostgreSQL 15:                          bash test.sh --postgres
#
# On a fresh Debian/Ubuntu machine with the .NET 10 SDK it first installs what the browser tests drive (Chromium and a
# CJK font; with --postgres also PostgreSQL 15) with apt-get, as root or through sudo. Any other argument is passed to
# `dotnet test` (e.g. --filter "FullyQualifiedName~Booking"). CI runs .ci/run, which does the same on both engines and
# also checks formatting.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

postgres=0
args=()
for a in "$@"; do
  if [[ "${a}" == --postgres ]]; then postgres=1; else args+=("${a}"); fi
done

wanted=(chromium fonts-noto-cjk)
((postgres)) && wanted+=(postgresql-15 postgresql-contrib-15)
missing=()
for p in "${wanted[@]}"; do
  # postgresql-contrib-15 is a virtual package provided by postgresql-15 on Debian 12: its extension is what counts.
  [[ "${p}" == postgresql-contrib-15 && -e /usr/share/postgresql/15/extension/btree_gist.control ]] && continue
  status="$(dpkg-query -W -f='${db:Status-Status}' "${p}" 2>/dev/null || true)"
  [[ "${status}" == installed ]] || missing+=("${p}")
done
if ((${#missing[@]})); then
  sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || { echo "Missing: ${missing[*]}. As root run: apt-get update && apt-get install -y ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  echo "installing: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

export PLAYWRIGHT_CHROMIUM_PATH="${PLAYWRIGHT_CHROMIUM_PATH:-/usr/bin/chromium}"
[[ -x /usr/bin/node && -z "${PLAYWRIGHT_NODEJS_PATH:-}" ]] && export PLAYWRIGHT_NODEJS_PATH=/usr/bin/node

echo "== tests on SQLite"
env -u CHUANYU_TEST_DB -u CHUANYU_TEST_PG dotnet test Chuanyu.slnx ${args[@]+"${args[@]}"}

if ((postgres)); then
  # shellcheck source=.ci/start-postgres.sh
  source .ci/start-postgres.sh
  trap chuanyu_pg_stop EXIT
  chuanyu_pg_start
  echo "== tests on PostgreSQL (127.0.0.1:${CHUANYU_PG_PORT})"
  CHUANYU_TEST_DB=Postgres dotnet test Chuanyu.slnx ${args[@]+"${args[@]}"}
fi
