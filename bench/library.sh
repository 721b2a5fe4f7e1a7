#!/usr/bin/env bash
# Search benchmark: 100,000 generated resources in French and Arabic indexed
# by Sanad's tantivy index and by SQLite FTS5 in the same run; indexing rate,
# index size, resident memory, and p50/p99 of typical queries.
# Usage: bench/library.sh [number_of_resources]   (from the project root)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release --quiet -p sanad-library --example search_bench -- "${1:-100000}"
