#!/usr/bin/env bash
# Private, throwaway PostgreSQL 15 cluster for the test suite.
#
# Developers:
#   bash .ci/start-postgres.sh              # start; prints CHUANYU_TEST_PG and the stop command
#   bash .ci/start-postgres.sh stop <dir>   # stop that cluster and delete its directory
#
# Scripts (.ci/run):
#   source .ci/start-postgres.sh            # only defines functions
#   chuanyu_pg_start                        # exports CHUANYU_PG_DIR, CHUANYU_PG_PORT, CHUANYU_TEST_PG
#   chuanyu_pg_stop                         # stops it and removes CHUANYU_PG_DIR
#
# Settings (env): CHUANYU_PG_BIN (default /usr/lib/postgresql/15/bin),
#                 CHUANYU_PG_PORT_WANTED (default 55432; a free port is picked if it is taken).
#
# The cluster listens on 127.0.0.1 only, trust auth, unix socket inside its temp dir,
# fsync off: never use it for anything but tests.

CHUANYU_PG_BIN="${CHUANYU_PG_BIN:-/usr/lib/postgresql/15/bin}"

# Run a command as the cluster owner: initdb/postgres refuse to run as root.
_chuanyu_pg_as_owner() {
  if [[ ${EUID} -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

_chuanyu_pg_port_free() {
  python3 - "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}

# _chuanyu_pg_pick_port [wanted]: wanted if it is free, else one the kernel picks.
_chuanyu_pg_pick_port() {
  local wanted="${1:-}"
  if [[ -n "${wanted}" && "${wanted}" != 0 ]] && _chuanyu_pg_port_free "${wanted}"; then
    echo "${wanted}"
    return 0
  fi
  # Let the kernel pick an unused port.
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

chuanyu_pg_start() {
  local bin="${CHUANYU_PG_BIN}"
  if [[ ! -x "${bin}/initdb" || ! -x "${bin}/pg_ctl" ]]; then
    echo "start-postgres: ${bin}/initdb or pg_ctl not found (install postgresql-15)" >&2
    return 1
  fi
  if [[ ${EUID} -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    echo "start-postgres: running as root but there is no 'postgres' user" >&2
    return 1
  fi

  # Always under /tmp (world-traversable) so the postgres user can reach it even if
  # TMPDIR points somewhere private to root.
  local dir
  dir="$(mktemp -d /tmp/chuanyu-pg.XXXXXX)"
  mkdir -p "${dir}/sock"
  if [[ ${EUID} -eq 0 ]]; then
    chown -R postgres:postgres "${dir}"
  fi
  chmod 700 "${dir}"
  export CHUANYU_PG_DIR="${dir}"

  if ! _chuanyu_pg_as_owner "${bin}/initdb" -D "${dir}/data" -U postgres \
        --locale=C.UTF-8 --encoding=UTF8 --auth=trust >"${dir}/initdb.log" 2>&1; then
    echo "start-postgres: initdb failed:" >&2
    cat "${dir}/initdb.log" >&2 || true
    return 1
  fi

  local port attempt wanted="${CHUANYU_PG_PORT_WANTED:-55432}"
  for attempt in 1 2 3; do
    port="$(_chuanyu_pg_pick_port "${wanted}")"
    cat >"${dir}/data/postgresql.auto.conf" <<EOF
# Written by .ci/start-postgres.sh: throwaway test cluster
listen_addresses = '127.0.0.1'
port = ${port}
unix_socket_directories = '${dir}/sock'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    if [[ ${EUID} -eq 0 ]]; then chown postgres:postgres "${dir}/data/postgresql.auto.conf"; fi
    if _chuanyu_pg_as_owner "${bin}/pg_ctl" -D "${dir}/data" -l "${dir}/postgres.log" \
          -w -t 60 start >"${dir}/pg_ctl.log" 2>&1; then
      export CHUANYU_PG_PORT="${port}"
      export CHUANYU_TEST_PG="Host=127.0.0.1;Port=${port};Username=postgres;Database=postgres"
      return 0
    fi
    echo "start-postgres: start on port ${port} failed (attempt ${attempt}):" >&2
    cat "${dir}/pg_ctl.log" "${dir}/postgres.log" >&2 2>/dev/null || true
    # Make sure nothing is left running before retrying with another port.
    _chuanyu_pg_as_owner "${bin}/pg_ctl" -D "${dir}/data" -m immediate stop >/dev/null 2>&1 || true
    wanted=""
  done
  return 1
}

# chuanyu_pg_stop [dir]  (default: $CHUANYU_PG_DIR). Never fails.
chuanyu_pg_stop() {
  local dir="${1:-${CHUANYU_PG_DIR:-}}"
  [[ -n "${dir}" && -d "${dir}" ]] || return 0
  case "${dir}" in
    /tmp/chuanyu-pg.*) ;;
    *) echo "start-postgres: refusing to remove unexpected dir ${dir}" >&2; return 0 ;;
  esac
  if [[ -f "${dir}/data/postmaster.pid" ]]; then
    _chuanyu_pg_as_owner "${CHUANYU_PG_BIN}/pg_ctl" -D "${dir}/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || _chuanyu_pg_as_owner "${CHUANYU_PG_BIN}/pg_ctl" -D "${dir}/data" -m immediate -w -t 30 stop >/dev/null 2>&1 \
      || echo "start-postgres: could not stop cluster in ${dir}" >&2
  fi
  rm -rf "${dir}" || true
  return 0
}

# Executed (not sourced): developer entry point.
if [[ "${BASH_SOURCE[0]}" == "${0}" ]]; then
  set -euo pipefail
  case "${1:-start}" in
    start)
      chuanyu_pg_start
      self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
      echo "PostgreSQL test cluster running in ${CHUANYU_PG_DIR} (127.0.0.1:${CHUANYU_PG_PORT})."
      echo
      echo "Use it with:"
      echo "  export CHUANYU_TEST_DB=Postgres"
      echo "  export CHUANYU_TEST_PG=\"${CHUANYU_TEST_PG}\""
      echo
      echo "psql:  psql -h 127.0.0.1 -p ${CHUANYU_PG_PORT} -U postgres"
      echo "Stop:  bash ${self} stop ${CHUANYU_PG_DIR}"
      ;;
    stop)
      if [[ -z "${2:-}" ]]; then
        echo "usage: $0 stop <dir printed by start>" >&2
        exit 2
      fi
      chuanyu_pg_stop "$2"
      echo "stopped and removed $2"
      ;;
    *)
      echo "usage: $0 [start | stop <dir>]" >&2
      exit 2
      ;;
  esac
fi
