"""Imports every domain's models so Base.metadata is complete for Alembic and tests."""


def import_all_models() -> None:
    import interview_core.accounts.models  # noqa: F401
    import interview_core.audit.models  # noqa: F401
    import interview_core.auth.models  # noqa: F401
    import interview_core.diagnostics.models  # noqa: F401
    import interview_core.interviews.models  # noqa: F401
    import interview_core.jobs.models  # noqa: F401
    import interview_core.reports.models  # noqa: F401
    import interview_core.retrieval.models  # noqa: F401
