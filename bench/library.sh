#!/usr/bin/env bash
# Search benchmark: 100,000 generated resources in French and Arabic indexed
# by Sanad's tantivy index, by SQLite FTS5 and (when SANAD_BENCH_PG is a
# PostgreSQL URL) by PostgreSQL full-text search in the same run; indexing
# rate, index size, resident memory, p50/p99 of typical queries, and each
# engine's MRR@10 on the relevance set (crates/library/search/relevance.toml).
# Usage: [SANAD_BENCH_PG=postgres://...] bench/library.sh [number_of_resources]   (from the project root)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release --quiet -p sanad-library --example search_bench -- "${1:-100000}"
