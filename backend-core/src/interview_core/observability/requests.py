"""Per-request context: a request id, the interview and turn ids of the path, and the metrics.

An ASGI middleware rather than a dependency so the ids are bound before anything of the app
runs (authentication, validation, the handler) and every line it logs carries them.
"""

import logging
import re
import time
import uuid

from fastapi import FastAPI
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interview_contracts.log_format import bind_log_context, reset_log_context
from interview_core.observability.metrics import HTTP_REQUEST_DURATION

logger = logging.getLogger("interview_core.requests")

REQUEST_ID_HEADER = b"x-request-id"
# A caller's id is kept only when it is short and harmless in a log line.
SAFE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{8,100}")
# Path parameters that become log context under the same name.
ID_PARAMETERS = ("interview_id", "turn_id")
UNMATCHED = "unmatched"


class RouteTemplates:
    """The API's path templates from its OpenAPI schema, most specific first.

    Matched here, before the router runs, so the ids are bound for the whole request; the
    schema is public API of FastAPI, its router's internals are not.
    """

    def __init__(self, api: FastAPI) -> None:
        self.api = api
        self._compiled: list[tuple[re.Pattern[str], str]] | None = None

    def _compile(self) -> list[tuple[re.Pattern[str], str]]:
        templates = list(self.api.openapi().get("paths", {}))
        # Literal segments win over parameters: /interviews/accept before /interviews/{id}.
        templates.sort(key=lambda t: (t.count("{"), -len(t)))
        return [(compile_path(template)[0], template) for template in templates]

    def match(self, path: str) -> tuple[str, dict[str, str]]:
        if self._compiled is None:
            self._compiled = self._compile()
        for pattern, template in self._compiled:
            found = pattern.match(path)
            if found:
                return template, found.groupdict()
        return UNMATCHED, {}


class RequestContext:
    def __init__(self, app: ASGIApp, api: FastAPI) -> None:
        self.app = app
        # Read on the first request: routes are added after the middleware is.
        self.templates = RouteTemplates(api)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = dict(scope["headers"]).get(REQUEST_ID_HEADER, b"")
        request_id = given.decode() if SAFE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        route, params = self.templates.match(scope["path"])
        token = bind_log_context(
            request_id=request_id,
            method=scope["method"],
            path=route,
            **{name: params.get(name) for name in ID_PARAMETERS},
        )
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (REQUEST_ID_HEADER, request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            HTTP_REQUEST_DURATION.labels(scope["method"], route, str(status)).observe(elapsed)
            level = logging.ERROR if status >= 500 else logging.INFO
            logger.log(
                level,
                "request finished",
                extra={"status": status, "duration_ms": round(elapsed * 1000, 1)},
            )
            reset_log_context(token)
