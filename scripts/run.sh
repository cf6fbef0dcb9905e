#!/usr/bin/env bash
# The README's run command: install everything, then run the whole platform on the embedded
# defaults (PostgreSQL + pgvector and Redis started locally unless DATABASE_URL / REDIS_URL
# are set). Data lives in .data/ (or $DATA_DIR) and survives restarts. Ctrl-C stops it.
# The console shows what starts, stops and restarts; each process's output is in
# .data/logs/<process>.log. `./scripts/run.sh --verbose` shows it on the console too.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
[[ -f .env ]] && set -a && . ./.env && set +a
exec .venv/bin/python -m interview_core.cli up \
  --data-dir "${DATA_DIR:-.data}" --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}" \
  --frontend-dist frontend/dist "$@"
