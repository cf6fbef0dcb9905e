#!/usr/bin/env bash
# The README's test command: install everything (test tools included), then run every test
# against real PostgreSQL + pgvector, real Redis and real worker processes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --tests
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
# The suite starts its own services; never point it at an operator's database.
unset DATABASE_URL REDIS_URL
.venv/bin/ruff check .
.venv/bin/mypy backend-core/src ai-worker/src contracts/src
if command -v npm >/dev/null 2>&1; then
  (cd frontend && npm test --silent)
fi
.venv/bin/python -m pytest "$@"
