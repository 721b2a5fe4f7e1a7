#!/usr/bin/env bash
# Progress benchmarks with public tools (wrk, curl) and the load tool in tests/src/bin/progress_load.rs,
# release build, in one run:
#  - learning events (lesson completions) per second with 64 concurrent learners;
#  - GET /api/v1/me/progress for a learner following 20 courses (wrk, 16 connections);
#  - GET /api/v1/cohorts/{id}/progress for a 500-member cohort (wrk, 16 connections, p95).
# Usage: bench/progress.sh [duration_seconds]   (from the project root)
# SQLite unless SANAD_DATABASE_URL is set (a fresh PostgreSQL database, e.g. from tests/fresh-postgres-db).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet --bin sanad --bin progress_load
bin=${CARGO_TARGET_DIR:-target}/release
data=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
base=http://127.0.0.1:$port
export SANAD_DATA_DIR=$data SANAD_LISTEN=127.0.0.1:$port SANAD_PUBLIC_URL=$base SANAD_DEMO_CONTENT=off RUST_LOG=warn
export SANAD_REGISTRATIONS_PER_HOUR=1000000
echo 'un mot de passe solide 42' | "$bin"/sanad user add --email bench-trainer@example.org --name Formatrice --role trainer >/dev/null
"$bin"/sanad serve >"$data/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done
echo "backend: ${SANAD_DATABASE_URL:-sqlite}"

"$bin"/progress_load completions "$base" 64 "$duration"

signin() { # email -> cookie value
  curl -fs -c "$data/jar" -H 'content-type: application/json' -d "{\"email\":\"$1\",\"password\":\"un mot de passe solide 42\"}" \
    "$base/api/v1/auth/login" >/dev/null
  awk '$6 == "sanad_session" {print $7}' "$data/jar"
}
run() { # name, url, cookie, extra wrk args...
  local name=$1 url=$2 cookie=$3; shift 3
  echo "== $name, 16 connections, ${duration}s =="
  wrk -t2 -c16 -d"${duration}s" --latency -H "Cookie: sanad_session=$cookie" "$@" "$url" | tee "$data/out"
  if grep -q 'Non-2xx' "$data/out"; then echo "errors in $name" >&2; exit 1; fi
}
"$bin"/progress_load followed "$base" >/dev/null
run "GET /me/progress, 20 courses followed" "$base/api/v1/me/progress" "$(signin banc-suivi@example.org)"
cohort=$("$bin"/progress_load cohort "$base" 500 | sed -n 's/^cohort=//p')
# wrk prints 50/75/90/99%; ask for the 95th through its Lua hook.
cat >"$data/p95.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("p95 %.2f ms\n", latency:percentile(95) / 1000))
end
LUA
run "GET /cohorts/{id}/progress, 500 members" "$base/api/v1/cohorts/$cohort/progress" "$(signin bench-trainer@example.org)" -s "$data/p95.lua"
