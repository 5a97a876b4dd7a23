#!/usr/bin/env bash
# Every benchmark (each `bench:*` script in package.json) in smoke mode (BENCH_SMOKE=1: the real phases and
# checks with tiny counts, a few seconds each), so a benchmark that stopped working fails CI. A benchmark
# passes when it exits 0 and the last line of its stdout is one JSON object (docs/performance.md).
# Benchmarks that need PostgreSQL make and drop their own database on the server at BENCH_SERVER_URL
# (default: the local server, postgres://postgres@127.0.0.1:5432/postgres); a missing server is a failure.
#
#   bash scripts/bench-smoke.sh              # all of them
#   bash scripts/bench-smoke.sh bench:chat   # some of them
#   BENCH_NODES=2 bash scripts/bench-smoke.sh bench:booking bench:chat
#       # also against a 2-node cluster (nginx, NATS, Redis; about 90 s each, so not in the default set)
set -uo pipefail
cd "$(dirname "$0")/.."

export BENCH_SMOKE=1
export BENCH_SERVER_URL=${BENCH_SERVER_URL:-${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}}
# Never run a smoke benchmark in a kept database someone pointed DATABASE_URL at.
unset DATABASE_URL
LIMIT_S=${BENCH_SMOKE_TIMEOUT_S:-180}

if [ $# -gt 0 ]; then
  names=("$@")
else
  mapfile -t names < <(node -e '
    const scripts = require("./package.json").scripts ?? {};
    for (const name of Object.keys(scripts).filter((n) => n.startsWith("bench:")).sort()) console.log(name);
  ')
fi
if [ ${#names[@]} -eq 0 ]; then
  echo "bench-smoke: no bench:* scripts in package.json" >&2
  exit 1
fi

if ! node -e "const pg=require('pg');const c=new pg.Client({connectionString:process.argv[1]});c.connect().then(()=>c.end()).then(()=>process.exit(0),()=>process.exit(1))" "$BENCH_SERVER_URL" 2>/dev/null; then
  echo "bench-smoke: no PostgreSQL server answers at $BENCH_SERVER_URL" >&2
  exit 1
fi

out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT
failed=()
for name in "${names[@]}"; do
  started=$(date +%s)
  echo "== $name (smoke)"
  timeout --kill-after=10 "$LIMIT_S" npm run --silent "$name" >"$out_dir/out" 2>"$out_dir/err"
  code=$?
  took=$(( $(date +%s) - started ))
  last=$(grep -v '^[[:space:]]*$' "$out_dir/out" | tail -n 1)
  # The server logs JSON to stdout too: a log line (level + msg) is not the benchmark's result.
  if [ $code -eq 0 ] && node -e '
      const v = JSON.parse(process.argv[1]);
      const object = v !== null && typeof v === "object" && !Array.isArray(v);
      process.exit(object && !("level" in v && "msg" in v) ? 0 : 1);
    ' "$last" 2>/dev/null; then
    echo "   ok in ${took} s: $last"
  else
    [ $code -eq 124 ] && echo "   timed out after ${LIMIT_S} s"
    echo "   FAILED (exit $code, ${took} s); last stdout line: ${last:-<none>}"
    echo "   --- stderr (last 30 lines)"
    tail -n 30 "$out_dir/err" | sed 's/^/   /'
    failed+=("$name")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "bench-smoke: ${#failed[@]} of ${#names[@]} failed: ${failed[*]}" >&2
  exit 1
fi
echo "bench-smoke: all ${#names[@]} benchmarks ran (${names[*]})"
