#!/usr/bin/env bash
# Aggregate counts over a seeded instance, timed in the database: cases by type and stage (the
# `cases` table), and by sex, age group and district (the plaintext report dimensions of
# `case_dimensions`, the only case values stored in clear), one query each counting the cases,
# and with --cross-table all five at once as one cross-table (slow on a large SQLite instance:
# it reads every case's row for its id). Then the same four from the running tallies
# (`report_tallies`, migration 0026), which is what `GET /api/v1/reports/cases` reads; the
# endpoint itself is measured over HTTP by `bench/load.sh --mix reports`.
#
#   bench/aggregates.sh --sqlite DATA_DIR/caseward.db [--runs 5] [--cross-table]
#   bench/aggregates.sh --postgres postgres://postgres@127.0.0.1:5432/DB [--runs 5] [--cross-table]
#
# Needs sqlite3 or psql. Prints each query's median and slowest time in milliseconds.
set -euo pipefail

runs=5
sqlite=""
cross=""
postgres=""
while [ $# -gt 0 ]; do
  case "$1" in
    --sqlite) sqlite="$2"; shift 2 ;;
    --postgres) postgres="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --cross-table) cross=cross_table; shift ;;
    *) echo "bench/aggregates.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ -z "$sqlite$postgres" ]; then
  echo "bench/aggregates.sh: give --sqlite FILE or --postgres URL" >&2
  exit 2
fi

# Age is stored as an age group under `age` (child protection, GBV) or `estimated_age`; counted
# per field first, in the index's order, then added up (grouping the two fields' values at once
# sorted them: 466 against 213 ms over a million cases on SQLite).
declare -A queries=(
  [by_type_and_stage]="SELECT case_type, stage, COUNT(*) FROM cases GROUP BY case_type, stage"
  [by_sex]="SELECT value, COUNT(*) FROM case_dimensions WHERE field_id = 'sex' GROUP BY value"
  [by_age_group]="SELECT value, SUM(n) FROM (SELECT field_id, value, COUNT(*) AS n FROM case_dimensions
     WHERE field_id IN ('age', 'estimated_age') GROUP BY field_id, value) AS per_field GROUP BY value"
  [by_district]="SELECT value, COUNT(*) FROM case_dimensions WHERE field_id = 'current_location' GROUP BY value"
  [tallies_by_type_and_stage]="SELECT case_type, stage, SUM(cases) FROM report_tallies WHERE field_id = '' GROUP BY case_type, stage"
  [tallies_by_sex]="SELECT value, SUM(cases) FROM report_tallies WHERE field_id = 'sex' GROUP BY value"
  [tallies_by_age_group]="SELECT value, SUM(cases) FROM report_tallies WHERE field_id IN ('age', 'estimated_age') GROUP BY value"
  [tallies_by_district]="SELECT value, SUM(cases) FROM report_tallies WHERE field_id = 'current_location' GROUP BY value"
  [cross_table]="SELECT c.case_type, c.stage, s.value, a.value, d.value, COUNT(*) FROM cases c
     LEFT JOIN case_dimensions s ON s.case_id = c.id AND s.field_id = 'sex'
     LEFT JOIN case_dimensions a ON a.case_id = c.id AND a.field_id IN ('age', 'estimated_age')
     LEFT JOIN case_dimensions d ON d.case_id = c.id AND d.field_id = 'current_location'
     GROUP BY c.case_type, c.stage, s.value, a.value, d.value"
)

# One timed run of a query, in milliseconds (the client's own timing, rows discarded).
time_query() {
  local sql="$1" out
  if [ -n "$sqlite" ]; then
    out=$(printf '.timer on\n%s;\n' "$sql" | sqlite3 -readonly "$sqlite" | grep '^Run Time' | tail -1)
    awk '{ printf "%.1f\n", $4 * 1000 }' <<<"$out"
  else
    out=$(printf '\\timing on\n%s;\n' "$sql" | psql -q -X "$postgres" | grep '^Time:' | tail -1)
    awk '{ printf "%.1f\n", $2 }' <<<"$out"
  fi
}

if [ -n "$sqlite" ]; then
  cases=$(sqlite3 -readonly "$sqlite" "SELECT COUNT(*) FROM cases")
else
  cases=$(psql -qtAX "$postgres" -c "SELECT COUNT(*) FROM cases")
fi
echo "aggregate counts over $cases cases, $runs runs each (after one warm-up run):"
printf '%-26s %10s %10s\n' query "median ms" "max ms"
for name in by_type_and_stage by_sex by_age_group by_district $cross \
  tallies_by_type_and_stage tallies_by_sex tallies_by_age_group tallies_by_district; do
  time_query "${queries[$name]}" >/dev/null
  times=()
  for _ in $(seq "$runs"); do times+=("$(time_query "${queries[$name]}")"); done
  sorted=$(printf '%s\n' "${times[@]}" | sort -g)
  median=$(sed -n "$(( (runs + 1) / 2 ))p" <<<"$sorted")
  max=$(tail -1 <<<"$sorted")
  printf '%-26s %10s %10s\n' "$name" "$median" "$max"
done
