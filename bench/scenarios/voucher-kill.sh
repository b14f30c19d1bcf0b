#!/usr/bin/env bash
# Kill the server (SIGKILL) in the middle of a voucher redemption load, restart it, and check that
#   1. `vouchers-check` exits 0 (entries sum to zero, balances = entries, budgets, money where the status says, quotas,
#      every ledger transaction audited),
#   2. `verify-audit` exits 0 (the audit hash chain is unbroken), and
#   3. every redemption a client received 2xx for is in the database with its Redeem ledger transaction.
#
# usage: bench/scenarios/voucher-kill.sh sqlite|postgres [published app dir] [PostgreSQL connection string without Database=]
#   defaults: /tmp/chuanyu-bench/publish-voucher and Host=127.0.0.1;Port=55434;Username=postgres
# The app is published with: dotnet publish src/Chuanyu.Web -c Release -o /tmp/chuanyu-bench/publish-voucher
# and the load tool built with: dotnet build -c Release bench/Chuanyu.Bench
set -euo pipefail
ENGINE="${1:?usage: $0 sqlite|postgres [app dir] [pg]}"
APP_DIR="${2:-/tmp/chuanyu-bench/publish-voucher}"
PG="${3:-Host=127.0.0.1;Port=55434;Username=postgres}"
DB=chuanyu_vkill
PORT=5096
URL="http://127.0.0.1:${PORT}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BENCH="${ROOT}/bench/Chuanyu.Bench/bin/Release/net10.0/Chuanyu.Bench.dll"
WORK="$(mktemp -d /tmp/chuanyu-vkill.XXXXXX)"
SQLITE_FILE="${WORK}/data/chuanyu.db"

case "$ENGINE" in
  sqlite)
    mkdir -p "${WORK}/data"
    APP_ENV=(Database__Provider=Sqlite "ConnectionStrings__Sqlite=Data Source=${SQLITE_FILE}")
    LOAD_DB=(--sqlite "$SQLITE_FILE")
    sql() { sqlite3 -batch -noheader "$SQLITE_FILE" "$1"; }
    ;;
  postgres)
    host=$(sed -E 's/.*Host=([^;]+).*/\1/' <<<"$PG"); port=$(sed -E 's/.*Port=([^;]+).*/\1/' <<<"$PG"); user=$(sed -E 's/.*Username=([^;]+).*/\1/' <<<"$PG")
    psql -h "$host" -p "$port" -U "$user" -v ON_ERROR_STOP=1 -At -d postgres -c "DROP DATABASE IF EXISTS ${DB}" -c "CREATE DATABASE ${DB}" >/dev/null
    APP_ENV=(Database__Provider=Postgres "ConnectionStrings__Postgres=${PG};Database=${DB};Maximum Pool Size=64")
    LOAD_DB=(--pg "${PG};Database=${DB}")
    sql() { psql -h "$host" -p "$port" -U "$user" -v ON_ERROR_STOP=1 -At -d "$DB" -c "$1"; }
    ;;
  *) echo "engine must be sqlite or postgres" >&2; exit 2 ;;
esac

platform() {
  (cd "$APP_DIR" && env ASPNETCORE_ENVIRONMENT=Development Demo__Seed=true Audit__RetentionIntervalHours=0 \
    Database__DataDirectory="${WORK}/data" "${APP_ENV[@]}" dotnet Chuanyu.Web.dll "$@")
}

start_app() {
  (cd "$APP_DIR" && exec env ASPNETCORE_ENVIRONMENT=Development Demo__Seed=true Audit__RetentionIntervalHours=0 \
    Database__DataDirectory="${WORK}/data" "${APP_ENV[@]}" dotnet Chuanyu.Web.dll --urls "$URL" >>"${WORK}/app.log" 2>&1) &
  APP_PID=$!
  for _ in $(seq 1 180); do curl -sf "${URL}/healthz" >/dev/null && return 0; sleep 1; done
  echo "the app did not become healthy; see ${WORK}/app.log" >&2; exit 1
}

start_app
echo "app up (${ENGINE}, pid ${APP_PID}); starting the load"
dotnet "$BENCH" voucher-load --url "$URL" "${LOAD_DB[@]}" --concurrency 32 --warmup 0 --duration 40 --uses 30000 \
  --record "${WORK}/created.tsv" >"${WORK}/load.log" 2>&1 &
LOAD_PID=$!
until grep -q "measuring" "${WORK}/load.log" 2>/dev/null; do
  if ! kill -0 "$LOAD_PID" 2>/dev/null; then cat "${WORK}/load.log" >&2; exit 1; fi
  sleep 0.5
done
sleep 8
before=$(wc -l <"${WORK}/created.tsv")
# The app runs as a child of the subshell above; kill the dotnet process itself.
APP_DOTNET=$(pgrep -f "Chuanyu.Web.dll --urls ${URL}" | head -1)
kill -9 "$APP_DOTNET"
echo "SIGKILL sent to ${APP_DOTNET} after ${before} redemptions got 201"
sleep 3
start_app
echo "app restarted (pid ${APP_PID})"
wait "$LOAD_PID" || true
grep -E "Sustained|invariants" "${WORK}/load.log" || tail -5 "${WORK}/load.log"
kill "$(pgrep -f "Chuanyu.Web.dll --urls ${URL}" | head -1)" 2>/dev/null || true
sleep 2

set +e
platform vouchers-check >"${WORK}/vouchers-check.txt" 2>&1; check=$?
platform verify-audit >"${WORK}/verify-audit.txt" 2>&1; audit=$?
set -e
echo "vouchers-check exit ${check}: $(tail -1 "${WORK}/vouchers-check.txt")"
echo "verify-audit exit ${audit}: $(tail -1 "${WORK}/verify-audit.txt")"

created=$(wc -l <"${WORK}/created.tsv")
cut -f1 "${WORK}/created.tsv" | sort -u >"${WORK}/told.txt"
sql "SELECT r.number FROM voucher_redemptions r JOIN voucher_ledger_transactions t ON t.redemption_id = r.id AND t.event = 'Redeem'" | sort -u >"${WORK}/ledger.txt"
missing=$(comm -23 "${WORK}/told.txt" "${WORK}/ledger.txt" | wc -l)
rows=$(sql "SELECT count(*) FROM voucher_redemptions")
echo "2xx answers recorded: ${created} (${before} before the kill); redemptions in the database: ${rows}"
echo "recorded 2xx numbers missing from the ledger: ${missing}"
if [[ "$missing" == 0 && "$check" == 0 && "$audit" == 0 ]]; then echo "PASS"; else echo "FAIL (work files in ${WORK})"; exit 1; fi
