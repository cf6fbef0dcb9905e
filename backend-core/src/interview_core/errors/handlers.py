"""The one place that turns exceptions into problem+json responses."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from interview_core.errors.problems import ProblemError

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://interview.local/problems/"


def problem_response(
    status: int,
    title: str,
    detail: str,
    code: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _http_title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def _problem(_: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(
            exc.status, exc.title, exc.detail, exc.code, exc.headers or None, **exc.extra
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "loc": list(err.get("loc", ())),
                "msg": str(err.get("msg", "")),
                "type": err.get("type"),
            }
            for err in exc.errors()
        ]
        return problem_response(
            422,
            "Invalid input",
            "The request does not match the schema.",
            "invalid-input",
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _http_title(exc.status_code).lower().replace(" ", "-")
        return problem_response(
            exc.status_code,
            _http_title(exc.status_code),
            str(exc.detail),
            code,
            dict(exc.headers) if exc.headers else None,
        )

    @app.exception_handler(DataError)
    async def _unstorable_value(_: Request, exc: DataError) -> JSONResponse:
        # PostgreSQL's "data exception" class (and psycopg's own check for NUL characters):
        # a value from the request that no column can hold. Bad input, not a server fault.
        logger.info("unstorable value: %s", exc.orig)
        return problem_response(
            422,
            "Invalid input",
            "A value cannot be stored: text must not contain NUL (0x00) characters, and "
            "numbers and dates must be within range.",
            "unstorable-value",
        )

    @app.exception_handler(OperationalError)
    async def _database_down(_: Request, exc: OperationalError) -> JSONResponse:
        logger.warning("database unavailable: %s", exc.orig)
        return problem_response(
            503,
            "Service unavailable",
            "The database is unavailable; retry shortly.",
            "database-unavailable",
            {"Retry-After": "5"},
        )

    @app.exception_handler(BrokerOperationalError)
    @app.exception_handler(RedisConnectionError)
    @app.exception_handler(RedisTimeoutError)
    async def _broker_down(_: Request, exc: Exception) -> JSONResponse:
        logger.warning("broker unavailable: %s", exc)
        return problem_response(
            503,
            "Service unavailable",
            "The message broker is unavailable; retry shortly.",
            "broker-unavailable",
            {"Retry-After": "5"},
        )
