"""Imports every domain's models so Base.metadata is complete for Alembic and tests."""


def import_all_models() -> None:
    import interview_core.accounts.models
    import interview_core.audit.models
    import interview_core.auth.models
    import interview_core.diagnostics.models
    import interview_core.feedback.models
    import interview_core.interviews.models
    import interview_core.jobs.models
    import interview_core.mail.models
    import interview_core.modelops.models
    import interview_core.reports.models
    import interview_core.retrieval.models
    import interview_core.training.models
    import interview_core.uploads.models  # noqa: F401
