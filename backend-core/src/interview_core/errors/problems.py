"""Domain errors. Services raise these; one handler turns them into problem+json."""

from typing import Any, ClassVar


class ProblemError(Exception):
    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"
    # A stable, machine-readable identifier of the kind of problem.
    type_slug: ClassVar[str] = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.type_slug
        self.headers = headers or {}
        self.extra = extra


class Unauthorized(ProblemError):
    status = 401
    title = "Not authenticated"
    type_slug = "unauthorized"


class Forbidden(ProblemError):
    status = 403
    title = "Forbidden"
    type_slug = "forbidden"


class NotFound(ProblemError):
    status = 404
    title = "Not found"
    type_slug = "not-found"


class Conflict(ProblemError):
    status = 409
    title = "Conflict"
    type_slug = "conflict"


class PayloadTooLarge(ProblemError):
    status = 413
    title = "Payload too large"
    type_slug = "payload-too-large"


class UnsupportedMediaType(ProblemError):
    status = 415
    title = "Unsupported media type"
    type_slug = "unsupported-media-type"


class UnprocessableInput(ProblemError):
    status = 422
    title = "Invalid input"
    type_slug = "invalid-input"


class TooManyRequests(ProblemError):
    status = 429
    title = "Too many requests"
    type_slug = "too-many-requests"


class ServiceUnavailable(ProblemError):
    status = 503
    title = "Service unavailable"
    type_slug = "service-unavailable"
