#!/usr/bin/env bash
# Start-up time and idle memory of the web app with demo data on SQLite.
#
#   bash bench/startup.sh            (from anywhere; needs dotnet, curl; Linux for /proc)
#
# 1. dotnet publish -c Release into $CHUANYU_BENCH_OUT/publish (default /tmp/chuanyu-bench)
# 2. three cold runs: empty data folder, so every run migrates and seeds the demo data (first run ever)
#    one warm run: same data folder again (already migrated and seeded)
#    each run: `dotnet Chuanyu.Web.dll --urls http://127.0.0.1:$PORT` (Development, Demo__Seed=true), time from
#    just before the process is spawned until the first HTTP 200 from /readyz (curl every 20 ms, deadline 120 s),
#    then 5 s idle and VmRSS from /proc/<pid>/status; the app is stopped after each run.
#
# Knobs (env): CHUANYU_BENCH_PORT (5099), CHUANYU_BENCH_OUT (/tmp/chuanyu-bench), CHUANYU_BENCH_NO_PUBLISH=1 (reuse),
#              CHUANYU_BENCH_IDLE_WAIT (seconds, default 600): before each run, wait up to this long for the machine to
#              be quiet (under 10 % CPU busy over 2 s, so another build does not skew the figure); 0 = do not wait.
# Resolution: the poll interval plus one curl spawn, i.e. roughly +-25 ms.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${CHUANYU_BENCH_PORT:-5099}"
OUT="${CHUANYU_BENCH_OUT:-/tmp/chuanyu-bench}"
PUBLISH="${OUT}/publish"
DATA="${OUT}/data"
LOG="${OUT}/app.log"
URL="http://127.0.0.1:${PORT}"
DEADLINE_S=120

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if curl -s -o /dev/null --max-time 1 "${URL}/healthz"; then
  echo "startup.sh: something already answers on ${URL}; stop it or set CHUANYU_BENCH_PORT" >&2
  exit 1
fi

mkdir -p "${OUT}"
if [[ "${CHUANYU_BENCH_NO_PUBLISH:-}" != 1 || ! -f "${PUBLISH}/Chuanyu.Web.dll" ]]; then
  echo "publishing Release to ${PUBLISH} ..."
  rm -rf "${PUBLISH}"
  dotnet publish "${ROOT}/src/Chuanyu.Web/Chuanyu.Web.csproj" -c Release -o "${PUBLISH}" --nologo -v quiet >"${OUT}/publish.log" 2>&1 \
    || { cat "${OUT}/publish.log" >&2; exit 1; }
fi

APP_PID=""
stop_app() {
  if [[ -n "${APP_PID}" ]] && kill -0 "${APP_PID}" 2>/dev/null; then
    kill -TERM "${APP_PID}" 2>/dev/null || true
    wait "${APP_PID}" 2>/dev/null || true
  fi
  APP_PID=""
}
trap stop_app EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() { # bash 5: EPOCHREALTIME is "seconds.microseconds"
  local t="${EPOCHREALTIME/[.,]/}"
  echo $((t / 1000))
}

# cpu_ticks: machine-wide busy ticks (user+nice+system+irq+softirq) and total ticks, from /proc/stat.
cpu_ticks() {
  awk '/^cpu / {print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat
}

# wait_quiet: wait until the machine has been under 5 % busy for 10 s in a row (2 s samples).
wait_quiet() {
  local limit="${CHUANYU_BENCH_IDLE_WAIT:-600}" waited=0 quiet=0 b1 t1 b2 t2 permille
  (( limit > 0 )) || return 0
  while (( quiet < 5 )); do
    read -r b1 t1 < <(cpu_ticks)
    sleep 2
    read -r b2 t2 < <(cpu_ticks)
    permille=$(( t2 > t1 ? (b2 - b1) * 1000 / (t2 - t1) : 0 ))
    if (( permille < 50 )); then quiet=$((quiet + 1)); else quiet=0; fi
    waited=$((waited + 2))
    if (( waited >= limit )); then
      echo "startup.sh: machine not quiet after ${limit} s (${permille}/1000 busy); measuring anyway" >&2
      return 0
    fi
  done
}

# run_once LABEL: prints "LABEL  ready_ms  rss_mib  other_cpu_s"
# other_cpu_s: CPU time used during the start-up by processes other than the app and this script's curls (another
# build on the machine, say); a figure measured while it is well above 0 is skewed.
run_once() {
  local label="$1" t0 t1 code rss_kb b0 b1 app_ticks own0 own1 hz
  wait_quiet
  hz="$(getconf CLK_TCK)"
  read -r b0 _ < <(cpu_ticks)
  own0="$(awk '{print $16 + $17}' /proc/$$/stat)"
  # cd so that the content root (wwwroot, appsettings) is the publish folder, as in a deployment.
  cd "${PUBLISH}"
  t0="$(now_ms)"
  ASPNETCORE_ENVIRONMENT=Development \
  Database__Provider=Sqlite \
  Database__DataDirectory="${DATA}" \
  Demo__Seed=true \
    dotnet Chuanyu.Web.dll --urls "${URL}" >>"${LOG}" 2>&1 &
  APP_PID=$!
  cd - >/dev/null
  while :; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "${URL}/readyz" || true)"
    if [[ "${code}" == 200 ]]; then
      t1="$(now_ms)"
      read -r b1 _ < <(cpu_ticks)
      app_ticks="$(awk '{print $14 + $15}' "/proc/${APP_PID}/stat")"
      own1="$(awk '{print $16 + $17}' /proc/$$/stat)"
      break
    fi
    if ! kill -0 "${APP_PID}" 2>/dev/null; then
      echo "startup.sh: the app exited before /readyz answered 200; see ${LOG}" >&2
      exit 1
    fi
    if (( $(now_ms) - t0 > DEADLINE_S * 1000 )); then
      echo "startup.sh: no 200 from /readyz within ${DEADLINE_S} s; see ${LOG}" >&2
      exit 1
    fi
    sleep 0.02
  done
  sleep 5
  rss_kb="$(awk '/^VmRSS:/ {print $2}' "/proc/${APP_PID}/status")"
  stop_app
  awk -v l="${label}" -v ms="$((t1 - t0))" -v kb="${rss_kb}" -v o="$((b1 - b0 - app_ticks - (own1 - own0)))" -v hz="${hz}" \
    'BEGIN { printf "%-6s  ready_ms=%-6d  idle_rss_mib=%.1f  other_cpu_s=%.1f\n", l, ms, kb / 1024, o / hz }'
}

: >"${LOG}"
echo "dotnet $(dotnet --list-runtimes | awk '/Microsoft.AspNetCore.App/ {v=$2} END {print "aspnetcore " v}'); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
for i in 1 2 3; do
  rm -rf "${DATA}"
  run_once "cold${i}"
done
run_once "warm"
echo "data: ${DATA}  log: ${LOG}"
