"""Typed domain errors, mapped once to RFC 9457 problem+json responses."""

from interview_core.errors.problems import (
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    ProblemError,
    ServiceUnavailable,
    Unauthorized,
    UnprocessableInput,
    UnsupportedMediaType,
)

__all__ = [
    "Conflict",
    "Forbidden",
    "NotFound",
    "PayloadTooLarge",
    "ProblemError",
    "ServiceUnavailable",
    "Unauthorized",
    "UnprocessableInput",
    "UnsupportedMediaType",
]
