#!/usr/bin/env bash
# Load tests (issue 7): make a temporary instance, seed it with synthetic cases, serve it, and
# run caseward-load's mixes against it one after the other — realistic (case workers listing,
# opening and editing cases; supervisors loading the dashboard), reads, updates, dashboard,
# reports (the programme manager reading aggregate reports) —
# printing each mix's throughput and latency table and the server's memory.
#
#   cargo build --release -p caseward -p caseward-load
#   bench/load.sh [--bin target/release/caseward] [--load-bin target/release/caseward-load]
#                 [--cases 1000] [--workers W] [--sessions 50] [--duration 20] [--warmup 2]
#                 [--mix realistic|reads|updates|dashboard|reports] [--json-dir DIR]
#                 [--database postgres://USER@HOST/EMPTY_DATABASE [--keyring FILE] | --data EXISTING_SQLITE_DIR]
#                 [--password PW] [--pgbench] [--small]
#
# --database: a URL of an EMPTY PostgreSQL database (its keyring is made in the temporary
#   folder and removed afterwards: drop the database after the run). Default: SQLite in a
#   temporary folder.
# --keyring FILE: with --database, reuse that instance, seeded before, whose keyring FILE is
#   (nothing is made; give the same --password and --workers as when it was seeded).
# --data: reuse an instance seeded before (SQLite), with the same --password and --workers
#   (or --cases) as when it was seeded; nothing is made or removed.
# --workers: case workers to seed (worker1…workerW, in teams of ten each with a supervisor);
#   default one per 25 cases, at least 3.
# --pgbench: with --database, first run pgbench's default TPC-B with 2 clients for --duration
#   on a scratch database of the same server (made and dropped here): the rate the audited
#   reads are compared with, in the same run.
# --small: every mix for 2 s with 10 sessions against 300 cases (what CI runs, debug builds).
#
# Until `caseward dev seed` has --workers and --password-stdin, the instance is the demo's
# (`caseward demo`: worker1-3, supervisor1-2, 200 or --cases synthetic cases).
# Exit status: non-zero if any mix failed (more than 1 % of its requests, or none succeeded).
set -euo pipefail

bin=target/release/caseward
load_bin=target/release/caseward-load
cases=1000
workers=
sessions=50
duration=20
warmup=2
mixes="realistic reads updates dashboard reports"
database=
data=
json_dir=
password='a load test password 42'
small=0
pgbench=0
keyring=

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --load-bin) load_bin=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --sessions) sessions=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --mix) mixes=$2; shift 2 ;;
    --database) database=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --json-dir) json_dir=$2; shift 2 ;;
    --password) password=$2; shift 2 ;;
    --small) small=1; shift ;;
    --pgbench) pgbench=1; shift ;;
    --keyring) keyring=$2; shift 2 ;;
    -h | --help) usage ;;
    *) echo "load.sh: unknown argument $1" >&2; usage ;;
  esac
done

if [[ $small == 1 ]]; then
  cases=300 duration=2 warmup=1 sessions=10
fi
if [[ -n $database && -n $data ]]; then
  echo "load.sh: give --database or --data, not both" >&2
  exit 2
fi
for program in "$bin" "$load_bin"; do
  if [[ ! -x $program ]]; then
    echo "load.sh: $program is not there: cargo build --release -p caseward -p caseward-load" >&2
    exit 2
  fi
done
if [[ -z $workers ]]; then
  workers=$(((cases + 24) / 25))
  if ((workers < 3)); then workers=3; fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/caseward-load.XXXXXX")
server_pid=
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -n $database && -n $keyring ]]; then
  store=(--database "$database" --keyring "$keyring" --attachments "$tmp/a")
  where="PostgreSQL (existing instance)"
  data=existing
elif [[ -n $database ]]; then
  store=(--database "$database" --keyring "$tmp/k.keyring" --attachments "$tmp/a")
  where="PostgreSQL"
elif [[ -n $data ]]; then
  store=(--data "$data")
  where="SQLite (existing instance $data)"
else
  store=(--data "$tmp/data")
  where="SQLite"
fi
export CASEWARD_LOG=warn
# No second factor: supervisors log in with their password alone.
export CASEWARD_MFA_REQUIRED_ROLES=

# `dev seed --workers N --password-stdin` makes the users; older binaries have only the demo.
if "$bin" dev seed --help 2>/dev/null | grep -q -- '--password-stdin'; then
  supervisors=$(((workers + 9) / 10))
  if [[ -z $data ]]; then
    "$bin" "${store[@]}" init >"$tmp/init.log" 2>&1 || { cat "$tmp/init.log" >&2; exit 1; }
    echo "seeding $cases cases for worker1…worker$workers (supervisor1…supervisor$supervisors) in $where"
    if ! printf '%s\n' "$password" |
      "$bin" "${store[@]}" dev seed --cases "$cases" --workers "$workers" --password-stdin \
        >"$tmp/seed.log" 2>"$tmp/seed.err"; then
      cat "$tmp/seed.log" "$tmp/seed.err" >&2
      exit 1
    fi
    sed 's/^/  /' "$tmp/seed.log"
  fi
  server=("$bin" "${store[@]}" serve --listen 127.0.0.1:0)
else
  workers=3 supervisors=2
  echo "this caseward has no \`dev seed --password-stdin\`: using \`caseward demo\` with $cases cases in $where"
  server=("$bin" "${store[@]}" demo --listen 127.0.0.1:0 --demo-password "$password" --cases "$cases")
fi

: >"$tmp/server.out"
"${server[@]}" >"$tmp/server.out" 2>"$tmp/server.err" &
server_pid=$!
url=
while [[ -z $url ]]; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "load.sh: the server exited before listening:" >&2
    cat "$tmp/server.out" "$tmp/server.err" >&2
    exit 1
  fi
  url=$(grep -m1 'listening on' "$tmp/server.out" | grep -o 'http://[0-9.]*:[0-9]*' || true)
  [[ -n $url ]] || sleep 0.1
done
echo "server $url (pid $server_pid); $sessions sessions, ${warmup} s warm-up, ${duration} s timed per mix"

if [[ $pgbench == 1 && -n $database ]]; then
  scratch="caseward_pgbench_$$"
  admin="${database%/*}/postgres"
  psql -qX "$admin" -c "CREATE DATABASE $scratch" >/dev/null
  bench_url="${database%/*}/$scratch"
  pgbench -q -i -s 1 "$bench_url" >/dev/null 2>&1
  tps=$(pgbench -c 2 -j 2 -T "$duration" "$bench_url" 2>/dev/null | grep -o 'tps = [0-9.]*' | tail -1)
  psql -qX "$admin" -c "DROP DATABASE $scratch" >/dev/null
  echo "pgbench, default TPC-B, 2 clients, ${duration} s, same server: $tps"
fi

if [[ -n $json_dir ]]; then mkdir -p "$json_dir"; else json_dir=$tmp; fi
status=0
for mix in $mixes; do
  echo
  CASEWARD_LOAD_PASSWORD=$password "$load_bin" --url "$url" --mix "$mix" \
    --workers "$workers" --supervisors "$supervisors" --sessions "$sessions" \
    --duration "$duration" --warmup "$warmup" --server-pid "$server_pid" \
    --json "$json_dir/$mix.json" || status=1
done

if [[ $status != 0 && -s $tmp/server.err ]]; then
  echo
  echo "the server's warnings and errors (last 20 lines):"
  tail -n 20 "$tmp/server.err"
fi
exit "$status"
