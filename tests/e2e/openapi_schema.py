"""The backend's OpenAPI schema as the web UI's typed client is generated from it.

`python -m tests.e2e.openapi_schema` rewrites frontend/openapi.json; then run
`npm run api:types` in frontend/ to regenerate src/api/schema.d.ts.
"""

import json
import os
import secrets
from pathlib import Path
from typing import Any

COMMITTED_SCHEMA = Path(__file__).resolve().parents[2] / "frontend" / "openapi.json"


def current_schema() -> dict[str, Any]:
    # The schema does not depend on the key, but Settings refuses to load without a strong one.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
    from interview_core.main import create_app

    return create_app().openapi()


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    COMMITTED_SCHEMA.write_text(render(current_schema()))
    print(f"wrote {COMMITTED_SCHEMA}")
