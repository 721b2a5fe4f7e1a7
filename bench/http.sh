#!/usr/bin/env bash
# HTTP benchmarks with public tools (wrk, nginx, curl, python3), release build, SQLite:
#  - a baseline: nginx serving the very bytes of a published lesson from a file, in the same run;
#  - GET /api/v1/me with a session cookie, GET /api/v1/courses/{slug}, GET /api/v1/lessons/{id}
#    at 64 connections, each as a ratio to the nginx baseline;
#  - the main JavaScript asked with Brotli at 16 connections;
#  - GET /api/v1/library/resources?q=signalement on the demo library at 64 connections;
#  - the cost of a login with the chosen Argon2id parameters.
# Usage: bench/http.sh [duration_seconds]   (from the project root)
# Needs: wrk and nginx-light (installed with apt-get when missing), the SPA built (make spa).
# Uses SQLite unless SANAD_DATABASE_URL is set.
# BENCH_PIN=1 keeps the load generator off the server's core: Sanad and nginx run on
# CPU 1 (Sanad with one worker thread, nginx with one worker), wrk on CPU 0 with one
# thread, as when the load comes from another machine. Without it everything shares
# both cores (wrk -t2, Sanad's default two workers, nginx one worker per core).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null; }
[ -f frontend/dist/index.html ] || (cd frontend && npm ci --no-audit --no-fund && npm run build)
cargo build --release --quiet --bin sanad
data=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
base=http://127.0.0.1:$port
pin=${BENCH_PIN:-0}
server_cpu=(); load_cpu=(); wrk_threads=2; nginx_workers=auto
if [ "$pin" = 1 ]; then
  server_cpu=(taskset -c 1); load_cpu=(taskset -c 0); wrk_threads=1; nginx_workers=1
  export TOKIO_WORKER_THREADS=1
fi
SANAD_DATA_DIR=$data SANAD_LISTEN=127.0.0.1:$port SANAD_PUBLIC_URL=$base SANAD_DEMO_CONTENT=on RUST_LOG=warn \
  "${server_cpu[@]}" "${CARGO_TARGET_DIR:-target}/release/sanad" serve >"$data/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; [ -f "$data/nginx.pid" ] && kill "$(cat "$data/nginx.pid")" 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done

curl -fs -c "$data/jar" -H 'content-type: application/json' \
  -d '{"email":"bench@example.org","password":"un mot de passe solide 42","display_name":"Bench"}' \
  "$base/api/v1/auth/register" >/dev/null
cookie=$(awk '$6 == "sanad_session" {print $7}' "$data/jar")
lesson=$(curl -fs "$base/api/v1/courses/prise-en-charge" | python3 -c 'import json,sys; c=json.load(sys.stdin); print(next(i["id"] for m in c["modules"] for i in m["items"] if i["kind"]=="lesson"))')

# The baseline: nginx serves the lesson's own bytes from a file, one worker per core.
mkdir -p "$data/www"
curl -fs -H "Accept-Language: fr" "$base/api/v1/lessons/$lesson" >"$data/www/lesson.json"
nport=$(free_port)
cat >"$data/nginx.conf" <<CONF
worker_processes $nginx_workers;
pid $data/nginx.pid;
error_log $data/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  types { application/json json; }
  server { listen 127.0.0.1:$nport; root $data/www; }
}
CONF
"${server_cpu[@]}" nginx -c "$data/nginx.conf"
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$nport/lesson.json" >/dev/null && break; sleep 0.1; done

results=$data/results
run() { # name, connections, url, extra wrk args...
  local name=$1 conns=$2 url=$3; shift 3
  echo "== $name, $conns connections, ${duration}s$( [ "$pin" = 1 ] && echo " (pinned)") =="
  "${load_cpu[@]}" wrk -t"$wrk_threads" -c"$conns" -d"${duration}s" --latency "$@" "$url" | tee "$data/out"
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$data/out")
  p99=$(awk '$1 == "99%" {print $2}' "$data/out")
  echo "$name|$conns|$rps|$p99" >>"$results"
}

run "nginx: the lesson's bytes from a file" 64 "http://127.0.0.1:$nport/lesson.json"
run "GET /api/v1/lessons/{id}" 64 "$base/api/v1/lessons/$lesson" -H "Accept-Language: fr"
run "GET /api/v1/courses/prise-en-charge" 64 "$base/api/v1/courses/prise-en-charge" -H "Accept-Language: fr"
run "GET /api/v1/me (session cookie)" 64 "$base/api/v1/me" -H "Cookie: sanad_session=$cookie"
js=$(grep -o '/assets/index-[^"]*\.js' frontend/dist/index.html | head -1)
run "GET $js (Accept-Encoding: br)" 16 "$base$js" -H "Accept-Encoding: gzip, deflate, br"
run "GET /api/v1/library/resources?q=signalement" 64 "$base/api/v1/library/resources?q=signalement"

echo "== bytes on the wire for $js =="
for enc in identity gzip br; do
  printf '%-9s %s bytes\n' "$enc" "$(curl -fs -H "Accept-Encoding: $enc" "$base$js" | wc -c)"
done

echo "== summary: each path as a share of nginx's rate on the lesson's bytes =="
python3 - "$results" <<'PY'
import sys
rows = [line.strip().split("|") for line in open(sys.argv[1]) if line.strip()]
def rate(v): return float(v)
base = rate(rows[0][2])
for name, conns, rps, p99 in rows:
    print(f"{name:55s} c={conns:>3s} {rate(rps):>10,.0f} req/s  p99 {p99:>8s}  {100 * rate(rps) / base:5.1f}% of nginx")
PY

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
