#!/usr/bin/env bash
# HTTP benchmarks with public tools (wrk, curl, python3), release build, SQLite:
#  - GET /api/v1/me with a session cookie at 64 connections (requests/s, p99);
#  - GET /api/v1/courses/{slug} and GET /api/v1/lessons/{id} at 64 connections;
#  - the cost of a login with the chosen Argon2id parameters.
# Usage: bench/http.sh [duration_seconds]   (from the project root)
# Needs: wrk (apt-get install wrk). Uses SQLite unless SANAD_DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet --bin sanad
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
SANAD_DATA_DIR=$data SANAD_LISTEN=127.0.0.1:$port SANAD_PUBLIC_URL=$base SANAD_DEMO_CONTENT=on RUST_LOG=warn \
  target/release/sanad serve >"$data/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done

curl -fs -c "$data/jar" -H 'content-type: application/json' \
  -d '{"email":"bench@example.org","password":"un mot de passe solide 42","display_name":"Bench"}' \
  "$base/api/v1/auth/register" >/dev/null
cookie=$(awk '$6 == "sanad_session" {print $7}' "$data/jar")

echo "== GET /api/v1/me, session cookie, 64 connections, ${duration}s =="
wrk -t2 -c64 -d"${duration}s" --latency -H "Cookie: sanad_session=$cookie" "$base/api/v1/me"

lesson=$(curl -fs "$base/api/v1/courses/prise-en-charge" | python3 -c 'import json,sys; c=json.load(sys.stdin); print(next(i["id"] for m in c["modules"] for i in m["items"] if i["kind"]=="lesson"))')
echo "== GET /api/v1/courses/prise-en-charge, 64 connections, ${duration}s =="
wrk -t2 -c64 -d"${duration}s" --latency "$base/api/v1/courses/prise-en-charge"
echo "== GET /api/v1/lessons/$lesson, 64 connections, ${duration}s =="
wrk -t2 -c64 -d"${duration}s" --latency "$base/api/v1/lessons/$lesson"

echo "== login cost (Argon2id m=19456 KiB, t=2, p=1), 30 sequential logins =="
python3 - "$base" <<'PY'
import json, statistics, sys, time, urllib.request
base = sys.argv[1]
body = json.dumps({"email": "bench@example.org", "password": "un mot de passe solide 42"}).encode()
times = []
for _ in range(30):
    req = urllib.request.Request(base + "/api/v1/auth/login", data=body, headers={"content-type": "application/json"})
    t = time.perf_counter()
    with urllib.request.urlopen(req) as r:
        assert r.status == 200
    times.append((time.perf_counter() - t) * 1000)
times.sort()
print(f"login: median {statistics.median(times):.1f} ms, p90 {times[int(len(times)*0.9)-1]:.1f} ms, min {times[0]:.1f} ms")
PY
