"""The FastAPI application factory."""

from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.base import RequestResponseEndpoint
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from interview_contracts.log_format import configure_logging
from interview_core.accounts.router import routers as accounts_routers
from interview_core.audit.router import router as audit_router
from interview_core.auth.router import router as auth_router
from interview_core.config import Settings, get_settings
from interview_core.diagnostics.router import router as diagnostics_router
from interview_core.errors.handlers import install_problem_handlers
from interview_core.errors.openapi import install_problem_openapi
from interview_core.feedback.router import router as feedback_router
from interview_core.health.router import router as health_router
from interview_core.interviews.router import router as interviews_router
from interview_core.jobs.router import router as jobs_router
from interview_core.modelops.router import router as modelops_router
from interview_core.observability.requests import RequestContext
from interview_core.observability.router import router as metrics_router
from interview_core.privacy.router import router as privacy_router
from interview_core.reports.router import router as reports_router
from interview_core.request_limits import RequestSizeLimit
from interview_core.resumes.router import router as resumes_router
from interview_core.retrieval.router import router as question_bank_router
from interview_core.training.router import router as training_router

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "connect-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_json)
    app = FastAPI(title="AI Interview Platform", version="0.1.0")
    install_problem_handlers(app)
    install_problem_openapi(app, settings.api_prefix)
    # Added first, so the security headers below also wrap its 413 answers.
    app.add_middleware(RequestSizeLimit, max_bytes=settings.max_request_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
        )

    @app.middleware("http")
    async def security_headers(request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    # Added after the middleware above, so it wraps it: its ids are bound for everything below,
    # and its latency and status include the 413s and security headers of the middleware above.
    app.add_middleware(RequestContext, api=app)
    # Outermost of all: the client address every part sees (login throttling, logs) is the one
    # a trusted proxy forwarded, and only a trusted proxy's (servers run uvicorn with
    # --no-proxy-headers, so this is the one place that decides).
    if settings.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)

    app.include_router(health_router)
    app.include_router(metrics_router)
    app.include_router(diagnostics_router, prefix=settings.api_prefix)
    app.include_router(auth_router, prefix=settings.api_prefix)
    for accounts_router in accounts_routers:
        app.include_router(accounts_router, prefix=settings.api_prefix)
    app.include_router(audit_router, prefix=settings.api_prefix)
    app.include_router(jobs_router, prefix=settings.api_prefix)
    app.include_router(interviews_router, prefix=settings.api_prefix)
    app.include_router(reports_router, prefix=settings.api_prefix)
    app.include_router(feedback_router, prefix=settings.api_prefix)
    app.include_router(training_router, prefix=settings.api_prefix)
    app.include_router(modelops_router, prefix=settings.api_prefix)
    app.include_router(resumes_router, prefix=settings.api_prefix)
    app.include_router(question_bank_router, prefix=settings.api_prefix)
    app.include_router(privacy_router, prefix=settings.api_prefix)
    if settings.frontend_dist_dir and settings.frontend_dist_dir.is_dir():
        mount_frontend(app, settings.frontend_dist_dir)
    return app


def mount_frontend(app: FastAPI, dist: Path) -> None:
    """Serve the built single-page app; unknown paths fall back to index.html for its router."""
    index = dist / "index.html"
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")

    @app.get("/{path:path}", include_in_schema=False)
    def spa(path: str) -> FileResponse:
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return FileResponse(candidate)
        return FileResponse(index)
