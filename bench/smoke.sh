#!/usr/bin/env bash
# Every benchmark and load script once, at a small scale and untimed, so that they keep
# working (CI runs this from scripts/test). Nothing here judges speed: the figures belong in
# docs/BENCHMARKS.md, measured on purpose with the commands it gives.
#
#   bench/smoke.sh [--bin target/debug/caseward] [--load-bin target/debug/caseward-load]
#
# Needs PostgreSQL at CASEWARD_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres),
# sqlite3 and psql, valgrind, and Node 20.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=target/debug/caseward
load_bin=target/debug/caseward-load
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --load-bin) load_bin=$2; shift 2 ;;
    *) echo "smoke.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
admin=${CASEWARD_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}
database="caseward_bench_smoke_$$"
url="${admin%/*}/$database"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/caseward-smoke.XXXXXX")
cleanup() {
  psql -qX "$admin" -c "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

say() { printf '\n-- %s\n' "$*"; }

say "criterion and custom benches, in test mode (each once)"
cargo test --locked --benches -p caseward-store -p caseward-server

say "seeding and the raw baselines, then aggregate counts (SQLite)"
"$bin" --data "$tmp/data" init >/dev/null
printf 'a smoke test password 42\n' |
  "$bin" --data "$tmp/data" dev seed --cases 120 --batch 50 --workers 4 --password-stdin
"$bin" --data "$tmp/data" dev baseline --rows 50
bash bench/aggregates.sh --sqlite "$tmp/data/caseward.db" --runs 1 --cross-table

say "instructions per audited read, under callgrind (SQLite)"
bash bench/instructions.sh --data "$tmp/data" --bin "$bin" --load-bin "$load_bin" \
  --workers 4 --password 'a smoke test password 42' --window 2

say "seeding and aggregate counts (PostgreSQL)"
psql -qX "$admin" -c "CREATE DATABASE $database" >/dev/null
pg_store=(--database "$url" --keyring "$tmp/pg.keyring" --attachments "$tmp/pg-attachments")
"$bin" "${pg_store[@]}" init >/dev/null
printf 'a smoke test password 42\n' |
  "$bin" "${pg_store[@]}" dev seed --cases 120 --batch 50 --workers 4 --password-stdin
"$bin" "${pg_store[@]}" dev baseline --rows 50
bash bench/aggregates.sh --postgres "$url" --runs 1 --cross-table

say "load mixes (SQLite, then PostgreSQL)"
bash bench/load.sh --small --bin "$bin" --load-bin "$load_bin"
psql -qX "$admin" -c "DROP DATABASE $database" >/dev/null
psql -qX "$admin" -c "CREATE DATABASE $database" >/dev/null
bash bench/load.sh --small --pgbench --bin "$bin" --load-bin "$load_bin" --database "$url"

say "the supervisor's dashboard"
node bench/dashboard.mjs --bin "$bin" --cases 40 --runs 3
