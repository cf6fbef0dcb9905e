"""The OpenAPI schema tells the truth about errors: every 4xx/5xx a route can answer is listed,
and each is an RFC 9457 problem+json body.

Statuses that follow from the operation's own schema are added here, once, for every route:
401 where it needs a bearer token, 404 where it names a row in its path, 400 and 413 where it
takes a body (unreadable; over the request size limit), 422 where it validates input, 503
under the API prefix or behind a token (the database or the broker down). A route lists the
rest (403, 409, 429, ...) with `responses=problems(...)`.
"""

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict

from interview_core.errors.handlers import PROBLEM_JSON

PROBLEM_SCHEMA = "Problem"


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str | None = None


class Problem(BaseModel):
    """An error as RFC 9457 problem details; `code` is the stable, machine-readable kind."""

    # Some problems carry extra members (the field errors of a 422, a retry hint, ...).
    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldError] | None = None


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route's own error statuses; documented as problem+json."""
    return {status: {"description": HTTPStatus(status).phrase} for status in statuses}


def install_problem_openapi(app: FastAPI, api_prefix: str) -> None:
    """Replace `app.openapi` with one that documents the problem responses of every route."""
    build_default = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(build_default(), api_prefix)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def document_problems(schema: dict[str, Any], api_prefix: str) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem_schema.pop("$defs", {}))
    components[PROBLEM_SCHEMA] = problem_schema
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status in _statuses_by_construction(path, operation, api_prefix):
                responses.setdefault(str(status), {"description": HTTPStatus(status).phrase})
            for status, response in responses.items():
                if status.isdigit() and int(status) >= 400:
                    _as_problem(response)
    # FastAPI's own 422 body, which the problem handler never sends.
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema


def _statuses_by_construction(path: str, operation: dict[str, Any], api_prefix: str) -> set[int]:
    parameters = operation.get("parameters", [])
    statuses = set()
    if operation.get("security"):
        statuses.add(401)  # no token, or an expired or revoked one
    if any(parameter["in"] == "path" for parameter in parameters):
        statuses.add(404)  # no such row, or one the user may not know of (auth/policy.py)
    if "requestBody" in operation:
        # Unreadable (not UTF-8, a broken form); over the request size limit; not the schema.
        statuses.update({400, 413, 422})
    if parameters:
        statuses.add(422)
    if path.startswith(api_prefix + "/") or operation.get("security"):
        statuses.add(503)  # the database or the broker is down (errors/handlers.py)
    return statuses


def _as_problem(response: dict[str, Any]) -> None:
    """An error documented without a body, or with FastAPI's validation body, is problem+json.
    An error with a body of its own (readiness's 503) keeps it."""
    content = response.get("content") or {}
    json_schema = content.get("application/json", {}).get("schema", {})
    if content and json_schema.get("$ref") != "#/components/schemas/HTTPValidationError":
        return
    response["content"] = {
        PROBLEM_JSON: {"schema": {"$ref": f"#/components/schemas/{PROBLEM_SCHEMA}"}}
    }
