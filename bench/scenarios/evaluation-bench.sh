#!/usr/bin/env bash
# Annual evaluation at scale (docs/benchmarks.md, "Open-sharing evaluation"): 140,000 synthetic resources (about
# 100,000 of them published instruments) and 5,000,000 usage records spread over 2025, then `evaluate --year 2025`,
# timed by the command itself. Usage:
#   bench/scenarios/evaluation-bench.sh postgres "Host=127.0.0.1;Port=55432;Username=postgres"   # creates database chuanyu_eval
#   bench/scenarios/evaluation-bench.sh sqlite /tmp/chuanyu-eval                                  # data directory
# Needs a published build: dotnet publish src/Chuanyu.Web -c Release -o /tmp/chuanyu-bench/publish-eval
set -euo pipefail
engine=${1:?postgres|sqlite}; target=${2:?connection string or directory}
app=${APP:-/tmp/chuanyu-bench/publish-eval/Chuanyu.Web.dll}
records=${RECORDS:-5000000}; resources=${RESOURCES:-140000}
export ASPNETCORE_ENVIRONMENT=Development Demo__Seed=true Audit__RetentionIntervalHours=0
if [ "$engine" = postgres ]; then
  psql "postgresql://postgres@127.0.0.1:55432/postgres" -qc "DROP DATABASE IF EXISTS chuanyu_eval" -c "CREATE DATABASE chuanyu_eval"
  export Database__Provider=Postgres ConnectionStrings__Postgres="$target;Database=chuanyu_eval" Database__DataDirectory=/tmp/chuanyu-eval-pgdata
  mkdir -p /tmp/chuanyu-eval-pgdata
else
  rm -rf "$target"; mkdir -p "$target"
  export Database__DataDirectory="$target"
fi
dotnet "$app" seed --resources "$resources"
echo "Writing $records usage records over 2025 …"
start=$(date +%s)
if [ "$engine" = postgres ]; then
  psql "postgresql://postgres@127.0.0.1:55432/chuanyu_eval" -q <<SQL
CREATE TEMP TABLE inst AS SELECT row_number() OVER (ORDER BY id) AS rn, id, organization_id FROM resources WHERE kind = 'Instrument' AND status = 'Published';
CREATE TEMP TABLE orgs AS SELECT row_number() OVER (ORDER BY id) AS rn, id FROM organizations;
ANALYZE inst; ANALYZE orgs;
INSERT INTO usage_records (id, resource_id, owner_organization_id, user_id, user_organization_id, user_type, external, started_at, ended_at, minutes, fee_fen)
SELECT gen_random_uuid(), i.id, i.organization_id,
       ('00000000-0000-4000-8000-' || lpad(to_hex(g % 20000), 12, '0'))::uuid,
       CASE WHEN g % 5 < 2 THEN o.id ELSE i.organization_id END,
       CASE WHEN g % 5 < 2 THEN 'OtherRegion' ELSE 'Internal' END,
       g % 5 < 2,
       timestamptz '2025-01-01 00:00+08' + (g % 525000) * interval '1 minute',
       timestamptz '2025-01-01 00:00+08' + (g % 525000 + 30 + g % 240) * interval '1 minute',
       30 + g % 240, (30 + g % 240) * 500
FROM generate_series(1, $records) g
JOIN inst i ON i.rn = 1 + g % (SELECT count(*) FROM inst)
JOIN orgs o ON o.rn = 1 + (g * 7) % (SELECT count(*) FROM orgs);
ANALYZE usage_records;
SQL
  psql "postgresql://postgres@127.0.0.1:55432/chuanyu_eval" -Atc "SELECT 'instruments: ' || count(*) FROM resources WHERE kind='Instrument' AND status='Published'" -c "SELECT 'usage records: ' || count(*) FROM usage_records"
else
  # Instants are UTC ticks (DateTimeOffsetToTicksConverter); 638712576000000000 is 2025-01-01 00:00 Beijing time.
  sqlite3 "$target/chuanyu.db" <<SQL
CREATE TEMP TABLE inst AS SELECT row_number() OVER (ORDER BY id) AS rn, id, organization_id FROM resources WHERE kind = 'Instrument' AND status = 'Published';
CREATE TEMP TABLE orgs AS SELECT row_number() OVER (ORDER BY id) AS rn, id FROM organizations;
CREATE UNIQUE INDEX temp.inst_rn ON inst(rn); CREATE UNIQUE INDEX temp.orgs_rn ON orgs(rn);
BEGIN;
WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < $records)
INSERT INTO usage_records (id, resource_id, owner_organization_id, user_id, user_organization_id, user_type, external, started_at, ended_at, minutes, fee_fen)
SELECT upper(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-8' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
       i.id, i.organization_id, printf('00000000-0000-4000-8000-%012X', g % 20000),
       CASE WHEN g % 5 < 2 THEN o.id ELSE i.organization_id END, CASE WHEN g % 5 < 2 THEN 'OtherRegion' ELSE 'Internal' END, g % 5 < 2,
       638712576000000000 + (g % 525000) * 600000000, 638712576000000000 + (g % 525000 + 30 + g % 240) * 600000000,
       30 + g % 240, (30 + g % 240) * 500
FROM s JOIN inst i ON i.rn = 1 + g % (SELECT count(*) FROM inst) JOIN orgs o ON o.rn = 1 + (g * 7) % (SELECT count(*) FROM orgs);
COMMIT;
ANALYZE;
SELECT 'instruments: ' || count(*) FROM resources WHERE kind='Instrument' AND status='Published';
SELECT 'usage records: ' || count(*) FROM usage_records;
SQL
fi
echo "written in $(( $(date +%s) - start )) s"
for i in 1 2 3; do env "Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command=Warning" dotnet "$app" evaluate --year 2025; done
