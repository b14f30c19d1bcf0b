#!/usr/bin/env bash
# Kill the server (SIGKILL) in the middle of a booking load on PostgreSQL, restart it, and check that
#   1. no two active bookings of an instrument overlap, and
#   2. every booking a client received 201 for is in the database.
#
# usage: bench/scenarios/booking-kill.sh [published app dir] [PostgreSQL connection string without Database=]
#   defaults: /tmp/chuanyu-bench/publish-booking and Host=127.0.0.1;Port=55432;Username=postgres
# The app is published with: dotnet publish src/Chuanyu.Web -c Release -o /tmp/chuanyu-bench/publish-booking
# and the load tool built with: dotnet build -c Release bench/Chuanyu.Bench
set -euo pipefail
APP_DIR="${1:-/tmp/chuanyu-bench/publish-booking}"
PG="${2:-Host=127.0.0.1;Port=55432;Username=postgres}"
DB=chuanyu_kill
PORT=5097
URL="http://127.0.0.1:${PORT}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BENCH="${ROOT}/bench/Chuanyu.Bench/bin/Release/net10.0/Chuanyu.Bench.dll"
WORK="$(mktemp -d /tmp/chuanyu-kill.XXXXXX)"
host=$(sed -E 's/.*Host=([^;]+).*/\1/' <<<"$PG"); port=$(sed -E 's/.*Port=([^;]+).*/\1/' <<<"$PG"); user=$(sed -E 's/.*Username=([^;]+).*/\1/' <<<"$PG")
psql_() { psql -h "$host" -p "$port" -U "$user" -v ON_ERROR_STOP=1 -At "$@"; }

psql_ -d postgres -c "DROP DATABASE IF EXISTS ${DB}" -c "CREATE DATABASE ${DB}" >/dev/null

start_app() {
  (cd "$APP_DIR" && ASPNETCORE_ENVIRONMENT=Development Demo__Seed=true Audit__RetentionIntervalHours=0 Database__Provider=Postgres \
    Database__DataDirectory="${WORK}/data" ConnectionStrings__Postgres="${PG};Database=${DB};Maximum Pool Size=64" \
    exec dotnet Chuanyu.Web.dll --urls "$URL" >>"${WORK}/app.log" 2>&1) &
  APP_PID=$!
  for _ in $(seq 1 90); do curl -sf "${URL}/healthz" >/dev/null && return 0; sleep 1; done
  echo "the app did not become healthy; see ${WORK}/app.log" >&2; exit 1
}

start_app
echo "app up (pid ${APP_PID}); starting the load"
dotnet "$BENCH" booking-load --url "$URL" --instruments 16 --storm 0 --rate 0 --concurrency 32 --warmup 0 --duration 40 \
  --record "${WORK}/created.tsv" >"${WORK}/load.log" 2>&1 &
LOAD_PID=$!
until grep -q "measuring" "${WORK}/load.log" 2>/dev/null; do sleep 0.5; done
sleep 8
before=$(wc -l <"${WORK}/created.tsv")
# The app runs as a child of the subshell above; kill the dotnet process itself.
APP_DOTNET=$(pgrep -f "Chuanyu.Web.dll --urls ${URL}" | head -1)
kill -9 "$APP_DOTNET"
echo "SIGKILL sent to ${APP_DOTNET} after ${before} bookings got 201"
sleep 3
start_app
echo "app restarted (pid ${APP_PID})"
wait "$LOAD_PID" || true
tail -1 "${WORK}/load.log"

created=$(wc -l <"${WORK}/created.tsv")
psql_ -d "$DB" -c "CREATE TEMP TABLE told (id uuid, resource_id uuid, start_at text)" \
  -c "\\copy told FROM '${WORK}/created.tsv'" \
  -c "SELECT count(*) FROM told t WHERE NOT EXISTS (SELECT 1 FROM bookings b WHERE b.id = t.id)" >"${WORK}/missing.txt"
missing=$(tail -1 "${WORK}/missing.txt")
overlaps=$(psql_ -d "$DB" -c "SELECT count(*) FROM bookings a JOIN bookings b ON a.resource_id = b.resource_id AND a.id < b.id
  AND a.status IN ('Pending','Approved','InUse') AND b.status IN ('Pending','Approved','InUse')
  AND tstzrange(a.start_at, a.blocked_until) && tstzrange(b.start_at, b.blocked_until)")
total=$(psql_ -d "$DB" -c "SELECT count(*) FROM bookings WHERE purpose = '持续压测'")
kill "$(pgrep -f "Chuanyu.Web.dll --urls ${URL}" | head -1)" 2>/dev/null || true
echo "201 answers recorded: ${created} (${before} before the kill); bookings in the database: ${total}"
echo "missing from the database: ${missing}; overlapping active pairs: ${overlaps}"
if [[ "$missing" == 0 && "$overlaps" == 0 ]]; then echo "PASS"; else echo "FAIL (work files in ${WORK})"; exit 1; fi
