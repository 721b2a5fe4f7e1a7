#!/usr/bin/env bash
# Search benchmark, in two parts (from the project root):
#  1. the index alone: 100,000 generated resources in French and Arabic indexed
#     by Sanad's tantivy index, by SQLite FTS5 and (when SANAD_BENCH_PG is a
#     PostgreSQL URL) by PostgreSQL full-text search in the same run; indexing
#     rate, index size, resident memory, p50/p99 of typical queries, and each
#     engine's MRR@10 on the relevance set (crates/library/search/relevance.toml);
#  2. through HTTP: a Sanad data directory filled with the same number of
#     resources (words drawn from the demo library's own texts), indexed by
#     `sanad reindex`, then GET /api/v1/library/resources?q=... with wrk at 16
#     and 64 connections, rotating over typical French and Arabic queries.
# Usage: [SANAD_BENCH_PG=postgres://...] bench/library.sh [number_of_resources] [seconds_per_http_run]
# Needs wrk (installed with apt-get when missing) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
duration=${2:-15}
cargo run --release --quiet -p sanad-library --example search_bench -- "$n"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet --bin sanad
bin=${CARGO_TARGET_DIR:-target}/release/sanad
data=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
base=http://127.0.0.1:$port
export SANAD_DATA_DIR=$data SANAD_LISTEN=127.0.0.1:$port SANAD_PUBLIC_URL=$base RUST_LOG=warn
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$data"' EXIT
start() {
  "$bin" serve >>"$data/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do curl -fs "$base/healthz" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; exit 1
}
# A first start lays down the schema and the demo library, whose rows give the
# vocabulary and the facets of the generated ones.
SANAD_DEMO_CONTENT=on start
kill $pid; wait $pid 2>/dev/null || true; pid=
python3 - "$data/sanad.db" "$n" <<'PY'
import random, sqlite3, sys, uuid
db, n = sys.argv[1], int(sys.argv[2])
c = sqlite3.connect(db)
demo = c.execute("SELECT title, description, kind, audience, language, territory, themes, tags, created_at FROM resources").fetchall()
words = {}
for title, desc, _, _, lang, *_ in demo:
    words.setdefault(lang, []).extend(w for w in (title + " " + desc).split() if len(w) > 1)
rng = random.Random(20261130)
def rows():
    for i in range(n):
        t = rng.choice(demo)
        lang = "ar" if i % 3 == 0 and "ar" in words else "fr"
        v = words[lang]
        title = " ".join(rng.choice(v) for _ in range(6))
        body = " ".join(rng.choice(v) for _ in range(120))
        yield (uuid.UUID(int=rng.getrandbits(128), version=4).bytes, title, body, t[2], t[3], lang, t[5], t[6], t[7], t[8], t[8])
c.executemany("INSERT INTO resources (id, title, description, kind, audience, language, territory, themes, tags, created_at, updated_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows())
c.commit()
print(f"resources in the database: {c.execute('SELECT count(*) FROM resources').fetchone()[0]}")
PY
t0=$(date +%s.%N)
"$bin" reindex >/dev/null
echo "sanad reindex: $(python3 -c "print(f'{$(date +%s.%N) - $t0:.1f}')") s"
SANAD_DEMO_CONTENT=off start
echo "resident memory of the server after start: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
cat >"$data/queries.lua" <<'LUA'
local queries = {"signalement", "violences%20sexuelles", "prise%20en%20charge", "protection%20de%20l%27enfance",
                 "%D8%A7%D9%84%D8%B9%D9%86%D9%81", "%D8%AD%D9%85%D8%A7%D9%8A%D8%A9%20%D8%A7%D9%84%D8%A3%D8%B7%D9%81%D8%A7%D9%84"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/library/resources?q=" .. queries[(i % #queries) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("p95 %.2f ms\n", latency:percentile(95) / 1000))
end
LUA
for q in signalement "prise%20en%20charge" "%D8%A7%D9%84%D8%B9%D9%86%D9%81"; do
  echo "GET /api/v1/library/resources?q=$q: $(curl -fs "$base/api/v1/library/resources?q=$q" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"], "hits")')"
done
for conns in 16 64; do
  echo "== GET /api/v1/library/resources?q=... over $n resources, $conns connections, ${duration}s, six queries in turn =="
  wrk -t2 -c"$conns" -d"${duration}s" --latency -H "Accept-Language: fr" -s "$data/queries.lua" "$base" | tee "$data/out"
  if grep -q 'Non-2xx' "$data/out"; then echo "errors" >&2; exit 1; fi
done
