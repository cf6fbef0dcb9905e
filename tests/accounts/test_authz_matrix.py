"""Every route in the OpenAPI schema against six actors, with real rows and real tokens; and for
every route that returns rows, that each actor's answer holds its own rows and no one else's."""

from collections.abc import Mapping
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.accounts.authz_matrix import MATRIX, OK, Actor, Listing, Route, Shared
from tests.accounts.world import World

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
# Bodies that are rows whatever their schema says: exports a line per row.
ROW_MEDIA_TYPES = {"text/csv", "application/x-ndjson"}


def _schema_routes(app: FastAPI) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    }


def _row_routes(app: FastAPI) -> set[tuple[str, str]]:
    """GET routes whose answer holds stored rows: a JSON array, a CSV or JSON-lines export, or a
    JSON object with a list of objects that have an id (an export's interviews, a report's
    feedback). Taken from the schema, so a new list route is found without anyone listing it."""
    schema = app.openapi()
    components: Mapping[str, Any] = schema.get("components", {}).get("schemas", {})

    def resolved(node: Mapping[str, Any]) -> Mapping[str, Any]:
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[-1]]
        return node

    def holds_rows(media_type: str, node: Mapping[str, Any]) -> bool:
        if media_type in ROW_MEDIA_TYPES:
            return True
        node = resolved(node)
        if node.get("type") == "array" or any(
            option.get("type") == "array" for option in node.get("anyOf", [])
        ):
            return True
        for field_schema in node.get("properties", {}).values():
            for option in [field_schema, *field_schema.get("anyOf", [])]:
                if option.get("type") == "array":
                    items = resolved(option.get("items", {}))
                    if "id" in items.get("properties", {}):
                        return True
        return False

    found = set()
    for path, operations in schema["paths"].items():
        content = operations.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
        if any(holds_rows(media, spec.get("schema", {})) for media, spec in content.items()):
            found.add(("GET", path))
    return found


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


def test_every_route_that_returns_rows_says_whose_rows_each_reader_gets(app: FastAPI) -> None:
    """A list an organisation's recruiter or a candidate may read needs `lists=` on its row;
    admins-only lists have no one to keep out."""
    returning_rows = _row_routes(app)
    readable_by_others = {
        row.key
        for row in MATRIX
        if row.key in returning_rows
        and any(outcome == OK for actor, outcome in row.expect.items() if actor != Actor.ADMIN)
    }
    unchecked = sorted(key for key in readable_by_others if _row(key).lists is None)
    assert unchecked == [], (
        f"add lists= to these rows of tests/accounts/authz_matrix.py: {unchecked}"
    )
    misplaced = sorted(row.key for row in MATRIX if row.lists and row.key not in returning_rows)
    assert misplaced == [], f"lists= on routes that return no rows: {misplaced}"


def _row(key: tuple[str, str]) -> Route:
    return next(row for row in MATRIX if row.key == key)


def _listing_problems(row: Route, listing: Listing) -> list[str]:
    """A listing proves nothing unless each reader it checks has a row of their own to find and
    someone is kept from a row that exists."""
    checked = [
        actor
        for actor, outcome in row.expect.items()
        if outcome == OK and not (actor == Actor.ADMIN and listing.admin_unchecked_because)
    ]
    problems = [
        f"{row.method} {row.path}: no row of {actor}'s own to find"
        for actor in checked
        if not any(actor in readers for readers in listing.readers.values())
    ]
    if not any(
        actor not in readers
        for readers in listing.readers.values()
        for actor in checked
        if actor != Actor.ADMIN
    ):
        problems.append(f"{row.method} {row.path}: no foreign row to keep out")
    return problems


def _listing_failures(row: Route, listing: Listing, actor: Actor, body: str) -> list[str]:
    if actor == Actor.ADMIN and listing.admin_unchecked_because:
        return []
    failures = []
    for marker, readers in listing.readers.items():
        if actor in readers and marker not in body:
            failures.append(f"{row.method} {row.path} as {actor}: its own {marker} is missing")
        elif actor not in readers and marker in body:
            failures.append(f"{row.method} {row.path} as {actor}: shows another's {marker}")
    return failures


def _params(row: Route, world: World) -> Mapping[str, str]:
    return row.params(world) if row.params else {}


def _check(client: TestClient, row: Route, world: World) -> list[str]:
    failures = []
    listing: Listing | None = None
    # A list row asks every actor with one set of path parameters, its listing's rows.
    listed_params: Mapping[str, str] | None = None
    if row.lists is not None and not isinstance(row.lists, Shared):
        listed_params = _params(row, world)
        listing = row.lists(world, listed_params)
        failures += _listing_problems(row, listing)
    # The admin goes last: its allowed calls may change rows the others' calls rely on.
    for actor in Actor:
        params = listed_params if listed_params is not None else _params(row, world)
        response = client.request(
            row.method,
            row.path.format(**params),
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
        elif listing is not None and expected == OK:
            failures += _listing_failures(row, listing, actor, response.text)
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
