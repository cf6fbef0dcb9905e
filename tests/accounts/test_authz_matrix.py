"""Every route in the OpenAPI schema against six actors, with real rows and real tokens."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.accounts.authz_matrix import MATRIX, OK, Actor, Route
from tests.accounts.world import World

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def _schema_routes(app: FastAPI) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    }


def test_every_route_has_exactly_one_matrix_row(app: FastAPI) -> None:
    keys = [row.key for row in MATRIX]
    assert len(keys) == len(set(keys)), "duplicate matrix rows"
    routes = _schema_routes(app)
    missing = sorted(routes - set(keys))
    assert missing == [], f"add rows to tests/accounts/authz_matrix.py for {missing}"
    stale = sorted(set(keys) - routes)
    assert stale == [], f"matrix rows for routes that no longer exist: {stale}"
    for row in MATRIX:
        assert set(row.expect) == set(Actor), f"{row.key} must list every actor"


def _check(client: TestClient, row: Route, world: World) -> list[str]:
    failures = []
    # The admin goes last: its allowed calls may change rows the others' calls rely on.
    for actor in Actor:
        path = row.path.format(**row.params(world)) if row.params else row.path
        response = client.request(
            row.method,
            path,
            headers=world.headers[actor],
            params=row.query(world) if row.query else None,
            json=row.body(world) if row.body else None,
        )
        expected = row.expect[actor]
        if expected == OK:
            passed = response.status_code in row.ok
        else:
            passed = response.status_code == expected and response.headers[
                "content-type"
            ].startswith("application/problem+json")
        if not passed:
            failures.append(
                f"{row.method} {row.path} as {actor}: expected {expected}, "
                f"got {response.status_code} {response.text[:200]}"
            )
    return failures


@pytest.mark.parametrize(
    "row", [r for r in MATRIX if not r.needs_workers], ids=lambda r: f"{r.method} {r.path}"
)
def test_route_authorisation(client: TestClient, row: Route) -> None:
    assert _check(client, row, World.build()) == []


def test_routes_that_need_workers(client: TestClient, workers: object) -> None:
    rows = [row for row in MATRIX if row.needs_workers]
    failures = [failure for row in rows for failure in _check(client, row, World.build())]
    assert failures == []
