#!/usr/bin/env bash
# Instructions per audited request (issue 7): the server run under callgrind against a seeded
# SQLite instance, one of caseward-load's mixes (reads or updates) against it, and the
# instructions the server executed in a window of steady load divided by the audit entries
# written in that window (one a case read, one an edit). Unlike requests a second, the count
# does not move with what else the machine is doing: two runs of one build agree within about
# 1 %, so a change of a few per cent is visible on any hour. Only user-space instructions are
# counted (not the kernel's page copies and syncs), and valgrind hides the CPU's SHA
# extensions, so SHA-256 counts as in software.
#
#   bench/instructions.sh --data DIR [--bin target/release/caseward]
#                         [--load-bin target/release/caseward-load] [--workers 4000]
#                         [--password PW] [--mix reads|updates] [--sessions 1] [--window 20]
#                         [--keep FILE]
#
# DIR is an instance seeded with `caseward dev seed --workers W --password-stdin`, given the
# same --workers and --password. One session (the default) makes every request its own audit
# commit, so the figure does not depend on how requests happened to batch.
# --keep FILE keeps the window's callgrind dump there, for `callgrind_annotate FILE`.
# Needs valgrind (callgrind_control) and sqlite3.
set -euo pipefail

bin=target/release/caseward
load_bin=target/release/caseward-load
data=
workers=4000
password='a long enough password 1'
mix=reads
sessions=1
window=20
keep=

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --load-bin) load_bin=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --password) password=$2; shift 2 ;;
    --mix) mix=$2; shift 2 ;;
    --sessions) sessions=$2; shift 2 ;;
    --window) window=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    -h | --help) usage ;;
    *) echo "instructions.sh: unknown argument $1" >&2; usage ;;
  esac
done

if [[ -z $data || ! -f $data/caseward.db ]]; then
  echo "instructions.sh: --data must name a seeded SQLite instance (no $data/caseward.db)" >&2
  exit 2
fi
case "$mix" in
  reads | updates) ;;
  *) echo "instructions.sh: --mix reads or updates (each request one audit entry)" >&2; exit 2 ;;
esac
for program in valgrind callgrind_control sqlite3; do
  command -v "$program" >/dev/null || { echo "instructions.sh: $program is not installed" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/caseward-instructions.XXXXXX")
server_pid=
load_pid=
cleanup() {
  for pid in $load_pid $server_pid; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

head_seq() { sqlite3 -readonly "$data/caseward.db" "SELECT seq FROM audit_head WHERE id = 1"; }

# Background jobs (the deadline sweep over every case, due at a server's first start and every
# 15 minutes after) are not requests: the window waits until this server has none to do. A
# job left locked by a server stopped in the middle of it (an earlier run) is released first,
# so that this server takes it up now rather than when its lock runs out, mid-window.
sqlite3 "$data/caseward.db" \
  "UPDATE jobs SET locked_by = NULL, locked_until = NULL WHERE done_at IS NULL AND locked_by IS NOT NULL"
jobs_pending() {
  sqlite3 -readonly "$data/caseward.db" "SELECT count(*) FROM jobs WHERE done_at IS NULL
    AND substr(run_at, 1, 19) <= strftime('%Y-%m-%dT%H:%M:%S', 'now')"
}

# Instrumentation starts off: start-up and the logins' password hashing run at full speed.
CASEWARD_LOG=warn CASEWARD_MFA_REQUIRED_ROLES= valgrind --tool=callgrind --instr-atstart=no \
  --callgrind-out-file="$tmp/callgrind.out" "$bin" --data "$data" serve --listen 127.0.0.1:0 \
  >"$tmp/server.out" 2>"$tmp/server.err" &
server_pid=$!
url=
for _ in $(seq 1 1200); do
  url=$(grep -m1 'listening on' "$tmp/server.out" | grep -o 'http://[0-9.]*:[0-9]*' || true)
  [[ -n $url ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z $url ]]; then
  echo "instructions.sh: the server did not start under valgrind:" >&2
  tail -n 20 "$tmp/server.out" "$tmp/server.err" >&2
  exit 1
fi

supervisors=$(((workers + 9) / 10))
# The load runs until it is stopped below; its duration only has to outlast the logins under
# valgrind, the warm-up and the window.
CASEWARD_LOAD_PASSWORD=$password "$load_bin" --url "$url" --mix "$mix" --workers "$workers" \
  --supervisors "$supervisors" --sessions "$sessions" --warmup 1 --duration $((window * 20 + 600)) \
  >"$tmp/load.out" 2>&1 &
load_pid=$!

# Wait until the sessions are logged in and ready (their logins and the lists they prepare
# from are audited too), then until the mix's own requests flow, then count a window of them.
stopped() {
  kill -0 "$load_pid" 2>/dev/null && return 1
  echo "instructions.sh: the load generator stopped:" >&2
  cat "$tmp/load.out" >&2
  return 0
}
for _ in $(seq 1 6000); do
  grep -q 'logged in and ready' "$tmp/load.out" && break
  stopped && exit 1
  sleep 0.1
done
start=$(head_seq)
for _ in $(seq 1 6000); do
  (($(head_seq) - start >= 20 * sessions)) && break
  stopped && exit 1
  sleep 0.1
done
for _ in $(seq 1 36000); do
  (($(jobs_pending) == 0)) && break
  stopped && exit 1
  sleep 0.1
done
before=$(head_seq)
callgrind_control --instr=on "$server_pid" >/dev/null 2>&1
sleep "$window"
callgrind_control --instr=off "$server_pid" >/dev/null 2>&1
after=$(head_seq)
callgrind_control --dump "$server_pid" >/dev/null 2>&1

requests=$((after - before))
dump=$(ls "$tmp"/callgrind.out.* 2>/dev/null | head -1)
instructions=$(grep -m1 '^totals:' "$dump" | cut -d' ' -f2)
if ((requests <= 0)) || [[ -z $instructions ]]; then
  echo "instructions.sh: nothing was counted ($requests requests, dump ${dump:-missing})" >&2
  exit 1
fi
[[ -z $keep ]] || cp "$dump" "$keep"
echo "$mix, $sessions session(s), ${window} s under callgrind: $requests audited requests," \
  "$instructions instructions, $((instructions / requests)) a request"
