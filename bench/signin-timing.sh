#!/usr/bin/env bash
# Sign-in answer times for an unknown e-mail, a known account with a wrong password, and a locked account
# (issue 20: the answer time must not tell them apart). Starts the built platform on SQLite with the demo data,
# sends N sign-ins of each kind one after another, prints min / median / p90 in ms per kind.
#   bash bench/signin-timing.sh [N]        (after: dotnet build -c Release)
set -euo pipefail
N="${1:-40}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DLL="${ROOT}/src/Chuanyu.Web/bin/Release/net10.0/Chuanyu.Web.dll"
[[ -f "${DLL}" ]] || { echo "build first: dotnet build -c Release" >&2; exit 1; }
DIR="$(mktemp -d /tmp/chuanyu-signin.XXXXXX)"
PORT=5187
ASPNETCORE_ENVIRONMENT=Development Demo__Seed=true Database__DataDirectory="${DIR}" Audit__RetentionIntervalHours=0 \
  Security__CredentialRequestsPerMinutePerIp=100000 Logging__LogLevel__Default=Warning \
  dotnet "${DLL}" --urls "http://127.0.0.1:${PORT}" >"${DIR}/app.log" 2>&1 &
APP=$!
trap 'kill ${APP} 2>/dev/null || true; rm -rf "${DIR}"' EXIT
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:${PORT}/healthz" >/dev/null && break; sleep 0.5; done
URL="http://127.0.0.1:${PORT}/api/v1/auth/login"
LOCKED="locked-$$@example.cn"
curl -s -o /dev/null -H 'Content-Type: application/json' -d "{\"email\":\"${LOCKED}\",\"password\":\"Locked-Passw0rd\",\"displayName\":\"锁定\",\"acceptTerms\":true}" \
  "http://127.0.0.1:${PORT}/api/v1/auth/register"
for _ in 1 2 3 4 5; do curl -s -o /dev/null -H 'Content-Type: application/json' -d "{\"email\":\"${LOCKED}\",\"password\":\"Wrong-Passw0rd\"}" "${URL}"; done
# Known accounts, each tried once with a wrong password (five tries would lock one).
for i in $(seq 1 "${N}"); do
  curl -s -o /dev/null -H 'Content-Type: application/json' -d "{\"email\":\"known-${i}-$$@example.cn\",\"password\":\"Known-Passw0rd\",\"displayName\":\"已知\",\"acceptTerms\":true}" \
    "http://127.0.0.1:${PORT}/api/v1/auth/register"
done
measure() { # measure LABEL EMAIL ("{i}" in it is replaced by the attempt number)
  local label="$1" email="$2" i
  for i in $(seq 1 "${N}"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' -d "{\"email\":\"${email//\{i\}/${i}}\",\"password\":\"Wrong-Passw0rd-${i}\"}" "${URL}"
  done | python3 -c "
import sys
t=sorted(float(x)*1000 for x in sys.stdin)
print(f'${label}: n={len(t)} min={t[0]:.0f} ms median={t[len(t)//2]:.0f} ms p90={t[int(len(t)*0.9)-1]:.0f} ms')"
}
# warm-up
measure warm-up nobody-warm@example.cn >/dev/null
measure "unknown e-mail      " "nobody-$$@example.cn"
measure "known, wrong password" "known-{i}-$$@example.cn"
measure "locked account      " "${LOCKED}"
