"""The web UI's typed API client is generated from frontend/openapi.json: it must match the app."""

import json

from tests.e2e.openapi_schema import COMMITTED_SCHEMA, current_schema, render


def test_committed_openapi_matches_the_app() -> None:
    committed = json.loads(COMMITTED_SCHEMA.read_text())
    current = json.loads(render(current_schema()))
    changed = sorted(
        path
        for path in set(committed["paths"]) | set(current["paths"])
        if committed["paths"].get(path) != current["paths"].get(path)
    )
    assert committed == current, (
        f"frontend/openapi.json is stale (paths changed: {changed or 'components only'}); run "
        "`python -m tests.e2e.openapi_schema && (cd frontend && npm run api:types)`"
    )
