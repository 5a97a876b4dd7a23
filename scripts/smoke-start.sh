#!/usr/bin/env bash
# Starts the server the way the README does and checks that /healthz answers within 20 s.
#   smoke-start.sh pglite              embedded database in a fresh DATA_DIR, demo region
#   smoke-start.sh postgres ADMIN_URL  a fresh database on that server, demo region (YUNYI_DEMO=1)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-pglite}
port=$((20000 + RANDOM % 20000))
data=$(mktemp -d)
db=""
env_args=(PORT=$port DATA_DIR=$data LOG_LEVEL=info)
if [ "$mode" = postgres ]; then
  admin=$2
  db="yunyi_smoke_$(date +%s)_$RANDOM"
  node -e "const pg=require('pg');const c=new pg.Client({connectionString:process.argv[1]});c.connect().then(()=>c.query('create database '+process.argv[2])).then(()=>c.end())" "$admin" "$db"
  url=$(node -e "const u=new URL(process.argv[1]);u.pathname='/'+process.argv[2];console.log(u.toString())" "$admin" "$db")
  env_args+=(DATABASE_URL=$url YUNYI_DEMO=1)
fi
cleanup() {
  if [ -n "${pid:-}" ]; then
    # npm does not pass signals on to the server under its shell: end the whole tree.
    pkill -TERM -P "$(pgrep -P "$pid" | head -1)" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  fi
  if [ -n "$db" ]; then
    node -e "const pg=require('pg');const c=new pg.Client({connectionString:process.argv[1]});c.connect().then(()=>c.query('drop database if exists '+process.argv[2]+' with (force)')).then(()=>c.end())" "$admin" "$db" || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT
# The descendant of $1 whose command line contains $2.
descendant_running() {
  local p
  for p in $(pgrep -P "$1"); do
    if [ "$(cat "/proc/$p/comm")" = node ] && tr '\0' ' ' < "/proc/$p/cmdline" | grep -q "$2"; then echo "$p"; return; fi
    descendant_running "$p" "$2"
  done
}
t0=$(date +%s%N)
env "${env_args[@]}" npm start --silent >"$data/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do
  if body=$(curl -fsS "http://127.0.0.1:$port/healthz" 2>/dev/null) && [ "$body" = '{"status":"ok"}' ]; then
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    echo "smoke[$mode]: /healthz ok after ${ms} ms"
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' -d '{"phone":"13800000001","password":"Demo@2026"}')
    [ "$code" = 200 ] || { echo "smoke[$mode]: demo login answered $code"; exit 1; }
    [ "$ms" -le 20000 ] || { echo "smoke[$mode]: slower than 20 s"; exit 1; }
    # Graceful shutdown: SIGTERM to the server process itself (npm runs it under a shell); npm then
    # exits with the server's own exit code.
    server_pid=$(descendant_running "$pid" 'src/server/main.ts')
    [ -n "$server_pid" ] || { echo "smoke[$mode]: server process not found"; exit 1; }
    kill -TERM "$server_pid"; rc=0; wait "$pid" || rc=$?; pid=""
    [ "$rc" = 0 ] || { echo "smoke[$mode]: exit code $rc after SIGTERM"; exit 1; }
    grep -q 'shutting down' "$data/server.log" || { echo "smoke[$mode]: no graceful shutdown logged"; exit 1; }
    echo "smoke[$mode]: clean exit on SIGTERM"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "smoke[$mode]: server exited"; cat "$data/server.log"; exit 1; fi
  sleep 0.1
done
echo "smoke[$mode]: no /healthz within 20 s"; tail -50 "$data/server.log"; exit 1
