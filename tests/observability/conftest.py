"""Interview fixtures shared with tests/interviews (real rows, real workers)."""

from tests.interviews.conftest import (  # noqa: F401
    candidate,
    interview_setup,
    job_id,
    organisation,
    question_bank,
    recruiter,
)
