"""GET /metrics for Prometheus: a scraper's METRICS_TOKEN, or a signed-in admin."""

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST

from interview_core.accounts.models import UserRole
from interview_core.auth.dependencies import DbSession
from interview_core.auth.service import authenticate
from interview_core.config import get_settings
from interview_core.errors import Forbidden, Unauthorized
from interview_core.errors.openapi import problems
from interview_core.observability.metrics import render_metrics

router = APIRouter(tags=["observability"])

_bearer = HTTPBearer(
    auto_error=False, description="METRICS_TOKEN, or an admin's access token from /auth/login."
)


def authorise_scrape(
    session: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    # Route names, latencies and queue depths describe the deployment: never public.
    if credentials is None:
        raise Unauthorized(
            "Send METRICS_TOKEN (or an admin's access token) as a Bearer token.",
            code="not-authenticated",
            headers={"WWW-Authenticate": "Bearer"},
        )
    expected = get_settings().metrics_token
    if expected and hmac.compare_digest(credentials.credentials.encode(), expected.encode()):
        return
    user, _ = authenticate(session, credentials.credentials)
    if user.role != UserRole.ADMIN:
        raise Forbidden("Only admins and the metrics scraper read metrics.", code="role-required")


@router.get(
    "/metrics",
    response_class=Response,
    dependencies=[Depends(authorise_scrape)],
    responses={
        200: {"content": {"text/plain": {}}, "description": "Prometheus text format."},
        **problems(403),
    },
)
def metrics() -> Response:
    """Prometheus metrics: request latency per route, queue depth per queue."""
    return Response(render_metrics(), media_type=CONTENT_TYPE_LATEST)
