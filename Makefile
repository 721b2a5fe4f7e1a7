# The two commands of README.md: `make run` and `make test`.
# Everything else here is what they are made of.

SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -euo pipefail -c

export CARGO_TERM_COLOR ?= never

.PHONY: run test spa tools check-rust check-frontend test-rust test-browser test-contract

## Build the SPA and start Sanad on SQLite (data in ./sanad-data) at http://127.0.0.1:8080
run: spa
	cargo run --release --bin sanad -- serve

## Every test: Rust on SQLite (and PostgreSQL when SANAD_TEST_DATABASE_URL is set),
## the frontend checks, the browser tests and the API contract test.
test: tools check-rust check-frontend test-rust test-browser test-contract
	@echo "all test suites passed"

spa:
	(cd frontend && npm ci --no-audit --no-fund && npm run build)

tools:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
	@python3 -c 'import aiosmtpd, schemathesis' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check aiosmtpd schemathesis
	(cd frontend && npm ci --no-audit --no-fund)

check-rust:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings

check-frontend:
	(cd frontend && npm run lint && npm run typecheck && npm run build && npm run size)

test-rust:
	cargo test --workspace --quiet

test-browser:
	cargo build --quiet --bin sanad
	(cd frontend && SANAD_BIN=../target/debug/sanad npm run test:browser)
	if [ -n "$${SANAD_TEST_DATABASE_URL:-}" ]; then
	  url=$$(tests/fresh-postgres-db)
	  (cd frontend && SANAD_DATABASE_URL=$$url SANAD_BIN=../target/debug/sanad npm run test:browser)
	fi

test-contract:
	cargo build --quiet --bin sanad
	tests/contract
