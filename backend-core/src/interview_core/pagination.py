"""Page size and offset of every list endpoint: one cap, so no request can ask for everything."""

from typing import Annotated

from fastapi import Query

# Above it a list request is refused with 422 (problem+json), never silently shortened.
MAX_PAGE_SIZE = 100

PageLimit = Annotated[
    int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"Items per page (1-{MAX_PAGE_SIZE}).")
]
# PostgreSQL's OFFSET is a bigint: a larger number was a 500, so offsets stop well before it.
MAX_PAGE_OFFSET = 10_000_000
PageOffset = Annotated[
    int, Query(ge=0, le=MAX_PAGE_OFFSET, description=f"Items to skip (0-{MAX_PAGE_OFFSET}).")
]
