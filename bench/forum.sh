#!/usr/bin/env bash
# Forum benchmark (issue 12) with public tools (wrk, curl), the release build
# and the two tools in tests/src/bin (forum_seed writes the data, forum_load
# drives the writes):
#  1. a forum of POSTS posts in TOPICS topics (default 1,000,000 in 50,000, one
#     topic of 10,000 posts) written in bulk by forum_seed, then the search
#     index built by `sanad reindex` (both timed);
#  2. wrk at 64 connections, signed in as a member: a category's topic list
#     (first page) and a page deep inside the 10,000-post topic, through the
#     cursor a client gets by following the pages;
#  3. replies per second by 16 and by 64 members writing at once (every reply
#     screened, one in twenty held); the forum's rate limits are OFF for this
#     (SANAD_FORUM_RATE_LIMITS=off), or each member would stop at 30 replies;
#  4. the latency of a reply in a topic without watchers and in one with
#     1,000 watchers, and how long the fan-out takes to tell them all.
# Usage (from the project root): bench/forum.sh [seconds] [posts] [topics]
# SQLite unless SANAD_DATABASE_URL is set: SANAD_DATABASE_URL=$(tests/fresh-postgres-db) bench/forum.sh
# FORUM_BENCH_DATA=<dir> keeps the data directory and, when it already holds a
# seeded forum, measures it again without writing it anew (with PostgreSQL,
# pass the same SANAD_DATABASE_URL). The figures then include the posts of the
# earlier runs' write phases. FORUM_BENCH_SEED_ONLY=1 stops once the forum is written and indexed.
# FORUM_BENCH_ONLY=fanout measures only the replies with and without watchers (4.);
# FORUM_BENCH_ONLY=reads only the two reads (2.), which write nothing.
# FORUM_BENCH_SANAD=<binary> serves with another build of sanad (an earlier
# commit's, for a before/after comparison on the same data).
# FORUM_BENCH_WARMUP=<seconds> (default 5) of unmeasured wrk before each read.
# SANAD_DATABASE_CONNECTIONS=<n> sets the server's PostgreSQL pool (default 16).
# FORUM_BENCH_MAIL_DIR=<dir> writes the mail files there (e.g. /dev/shm/...,
# standing for an SMTP relay on another machine): without a relay every mail
# is a new file in one folder of data/mail, and creating the 100,000 files
# of the watcher phase on ext4 takes most of the server's CPU (perf: inode
# allocation), which a deployment with SMTP does not spend.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15}
posts=${2:-1000000}
topics=${3:-50000}
members=${FORUM_BENCH_MEMBERS:-5000}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
# FORUM_BENCH_BIN=<dir> takes sanad, forum_seed and forum_load built before
# (the build directory may be shared and busy).
if [ -n "${FORUM_BENCH_BIN:-}" ]; then
  bin=$FORUM_BENCH_BIN
else
  cargo build --release --quiet --bin sanad --bin forum_seed --bin forum_load
  bin=${CARGO_TARGET_DIR:-target}/release
fi
if [ -n "${FORUM_BENCH_DATA:-}" ]; then
  data=$FORUM_BENCH_DATA
  mkdir -p "$data"
  cleanup() { :; }
else
  data=$(mktemp -d)
  cleanup() { rm -rf "$data"; }
fi
if [ -n "${FORUM_BENCH_MAIL_DIR:-}" ]; then
  mkdir -p "$FORUM_BENCH_MAIL_DIR"
  [ -L "$data/mail" ] || { rm -rf "$data/mail"; ln -s "$FORUM_BENCH_MAIL_DIR" "$data/mail"; }
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
base=http://127.0.0.1:$port
url=${SANAD_DATABASE_URL:-sqlite://$data/sanad.db}
export SANAD_DATA_DIR=$data SANAD_DATABASE_URL=$url SANAD_LISTEN=127.0.0.1:$port SANAD_PUBLIC_URL=$base
export SANAD_DEMO_CONTENT=off RUST_LOG=warn SANAD_FORUM_RATE_LIMITS=off
pid=
stop() { # the server ends its fan-out backlog before it stops: give it 10 s
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  echo "the server was still stopping after 10 s (fan-out backlog): killed" >&2
  kill -9 "$pid" 2>/dev/null || true
}
trap 'stop; cleanup' EXIT
backend=sqlite; case $url in postgres*) backend=postgresql ;; esac
echo "backend: $backend"
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }

if [ ! -f "$data/seed.env" ]; then
  echo 'un mot de passe solide 42' | "$bin"/sanad user add --email forum-bench@example.org --name 'Banc Forum' >/dev/null
  t=$(now)
  "$bin"/forum_seed "$url" "$posts" "$topics" "$members" >"$data/seed.env.new"
  echo "written in bulk: $(grep -E '^(posts|topics|members|held|reactions)=' "$data/seed.env.new" | tr '\n' ' ')in $(since "$t") s"
  t=$(now)
  "$bin"/sanad reindex | sed 's/^/sanad reindex: /'
  echo "search index built from the database in $(since "$t") s"
  echo "url=$url" >>"$data/seed.env.new"
  mv "$data/seed.env.new" "$data/seed.env"
else
  grep -qx "url=$url" "$data/seed.env" || { echo "$data was seeded for another database" >&2; exit 1; }
  echo "measuring the forum already in $data"
fi
[ -n "${FORUM_BENCH_SEED_ONLY:-}" ] && { echo "seeded in $data"; exit 0; }
val() { sed -n "s/^$1=//p" "$data/seed.env"; }
big=$(val big_topic) watched=$(val watched_topic) quiet=$(val quiet_topic) category=$(val category)
if [ "$backend" = sqlite ]; then
  echo "database: $(du -sh "$data/sanad.db" | cut -f1) (SQLite file), search index $(du -sh "$data/forum-index" | cut -f1)"
else
  echo "database: $(psql "$url" -Atc 'SELECT pg_size_pretty(pg_database_size(current_database()))'), search index $(du -sh "$data/forum-index" | cut -f1)"
fi

t=$(now)
"${FORUM_BENCH_SANAD:-$bin/sanad}" serve >>"$data/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 1200); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.05; done
curl -fs "$base/healthz" >/dev/null || { echo "server did not start" >&2; cat "$data/server.log" >&2; exit 1; }
echo "server answering $(since "$t") s after start"

sql() { if [ "$backend" = sqlite ]; then sqlite3 "$data/sanad.db" "$1"; else psql "$url" -Atc "$1"; fi; }
backlog() { echo "$(sql 'SELECT COUNT(*) FROM forum_fanout') $(sql 'SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL')"; }
if [ "${FORUM_BENCH_ONLY:-}" != fanout ]; then
jar=$data/jar
curl -fs -c "$jar" -H 'content-type: application/json' \
  -d '{"email":"membre-0@forum-bench.example.org","password":"un mot de passe solide 42"}' "$base/api/v1/auth/login" >/dev/null
cookie=$(awk '$6 == "sanad_session" {print $7}' "$jar")
run() { # name, url
  # A warm-up first: the server's first seconds also run its start-up jobs
  # and fill each connection's caches, which is not the steady state measured.
  wrk -t2 -c64 -d"${FORUM_BENCH_WARMUP:-5}s" -H "Cookie: sanad_session=$cookie" "$2" >/dev/null
  echo "== $1, 64 connections, ${duration}s (after ${FORUM_BENCH_WARMUP:-5}s of warm-up) =="
  wrk -t2 -c64 -d"${duration}s" --latency -H "Cookie: sanad_session=$cookie" "$2" | tee "$data/out"
  if grep -q 'Non-2xx' "$data/out"; then echo "errors in $1" >&2; exit 1; fi
}
run "GET /forum/categories/$category/topics (first page of $(curl -fs -b "$jar" "$base/api/v1/forum/categories" | python3 -c "import json,sys; print(next(c['topic_count'] for c in json.load(sys.stdin)['items'] if c['slug'] == '$category'))") topics)" \
  "$base/api/v1/forum/categories/$category/topics"
cursor=$("$bin"/forum_load cursor "$base" "$big" 9000 | sed -n 's/^cursor=//p')
run "GET /forum/topics/{id}?cursor= (20 posts after post 9,000 of the 10,000-post topic)" "$base/api/v1/forum/topics/$big?cursor=$cursor"
[ "${FORUM_BENCH_ONLY:-}" = reads ] && exit 0

echo "== replies (screened; rate limits off), ${duration}s each =="
"$bin"/forum_load replies "$base" 16 "$duration"
"$bin"/forum_load replies "$base" 64 "$duration"
fi
# The write phases leave fan-outs and mail behind: let them drain first, so
# that both series below start from the same quiet queue.
t=$(now)
for _ in $(seq 1 240); do [ "$(backlog)" = "0 0" ] && break; sleep 0.5; done
echo "fan-out and mail queues after the write phases drained in $(since "$t") s (left: fan-outs, mails: $(backlog))"
echo "== a reply in a topic with 1,000 watchers and in one with none =="
"$bin"/forum_load fanout "$base" "$watched" "$quiet" 100
t=$(now)
for _ in $(seq 1 1200); do [ "$(backlog)" = "0 0" ] && break; sleep 0.5; done
echo "fan-out and mail queues empty $(since "$t") s after that (left: fan-outs, mails: $(backlog))"
if grep -q 'database is locked' "$data/server.log"; then echo "server.log: $(grep -c 'database is locked' "$data/server.log") lines with 'database is locked'"; fi
