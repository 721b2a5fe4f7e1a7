# The two commands of README.md: `make run` and `make test`.
# Everything else here is what they are made of.

SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -euo pipefail -c

export CARGO_TERM_COLOR ?= never

.PHONY: run test spa tools check-rust check-openapi check-frontend test-rust test-browser test-contract test-scale-out

## Build the SPA and start Sanad on SQLite (data in ./sanad-data) at http://127.0.0.1:8080
run: spa
	cargo run --release --bin sanad -- serve

## Every test: Rust on SQLite (and PostgreSQL when SANAD_TEST_DATABASE_URL is set),
## the frontend checks, the browser tests, the API contract test, and (with PostgreSQL)
## the scale-out test.
test: tools check-rust check-openapi check-frontend test-rust test-browser test-contract test-scale-out
	@echo "all test suites passed"

spa:
	(cd frontend && npm ci --no-audit --no-fund && npm run build)

tools:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
	@command -v pdftoppm >/dev/null || { apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; }
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null; }
	@python3 -c 'import aiosmtpd, schemathesis, openapi_spec_validator, moto.server' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check aiosmtpd schemathesis openapi-spec-validator 'moto[server]'
	(cd frontend && npm ci --no-audit --no-fund)

check-rust:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings

## The OpenAPI document is valid, the SPA's copy is current, and so are the types generated from it.
check-openapi:
	cargo run --quiet --bin sanad -- openapi > target/openapi.json
	python3 -m openapi_spec_validator target/openapi.json
	diff -q target/openapi.json frontend/openapi.json || { echo "frontend/openapi.json is stale: cargo run --bin sanad -- openapi > frontend/openapi.json" >&2; exit 1; }
	(cd frontend && npx openapi-typescript openapi.json -o ../target/schema.d.ts >/dev/null)
	diff -q target/schema.d.ts frontend/generated/schema.d.ts || { echo "frontend/generated/schema.d.ts is stale: cd frontend && npm run gen:api" >&2; exit 1; }

check-frontend:
	(cd frontend && npm run lint && npm run typecheck && npm run build && npm run size)

## With SANAD_TEST_DATABASE_URL set every scenario runs on PostgreSQL too; with
## SANAD_REQUIRE_POSTGRES=1 (CI) a scenario that would skip PostgreSQL fails instead; with
## SANAD_REQUIRE_S3=1 (CI) so does a files-in-a-bucket scenario that finds no moto.
test-rust:
	cargo test --workspace --quiet

## On SQLite, and on PostgreSQL side by side when SANAD_TEST_DATABASE_URL is set: the two
## suites wait on the browser and the network far more than on the CPU, so running them
## together takes little longer than one (each its own server, port and results folder).
test-browser:
	cargo build --quiet --bin sanad
	if [ -z "$${SANAD_TEST_DATABASE_URL:-}" ]; then
	  (cd frontend && SANAD_BIN=../target/debug/sanad npm run test:browser)
	  exit 0
	fi
	url=$$(tests/fresh-postgres-db)
	(cd frontend && SANAD_BIN=../target/debug/sanad npm run test:browser -- --output=test-results/sqlite) > target/browser-sqlite.log 2>&1 &
	sqlite=$$!
	(cd frontend && SANAD_BROWSER_PORT=8392 SANAD_DATABASE_URL=$$url SANAD_BIN=../target/debug/sanad npm run test:browser -- --output=test-results/postgres) > target/browser-postgres.log 2>&1 &
	postgres=$$!
	status=0
	wait $$sqlite || status=1
	echo "== browser tests on SQLite"; cat target/browser-sqlite.log
	wait $$postgres || status=1
	echo "== browser tests on PostgreSQL"; cat target/browser-postgres.log
	exit $$status

test-contract:
	cargo build --quiet --bin sanad
	tests/contract

## Two instances on one PostgreSQL database behind nginx, files in a bucket (moto): the
## acceptance checks through nginx, a file across instances, SIGKILL under load, a rolling
## restart; then SIGKILL under load on SQLite. Needs PostgreSQL: skipped without
## SANAD_TEST_DATABASE_URL. It builds the release binary the acceptance checks use.
test-scale-out:
	if [ -z "$${SANAD_TEST_DATABASE_URL:-}" ]; then echo "scale-out: skipped (no SANAD_TEST_DATABASE_URL)"; exit 0; fi
	tests/scale-out
