"""Imports every domain's models so Base.metadata is complete for Alembic and tests."""


def import_all_models() -> None:
    import interview_core.diagnostics.models  # noqa: F401
