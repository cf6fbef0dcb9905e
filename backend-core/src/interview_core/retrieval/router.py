from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from interview_core.auth.dependencies import DbSession, RecruiterOrAdmin
from interview_core.errors.openapi import problems
from interview_core.retrieval.service import search_bank_by_meaning

router = APIRouter(prefix="/question-bank", tags=["question bank"], responses=problems(403))


class BankSearchHit(BaseModel):
    id: str
    stage_key: str
    competency: str | None
    language: str
    text: str
    similarity: float


@router.get("/search", response_model=list[BankSearchHit])
def search(
    user: RecruiterOrAdmin,
    session: DbSession,
    q: str = Query(min_length=2, max_length=500),
    language: Literal["en", "ko"] = "en",
    k: int = Query(10, ge=1, le=50),
) -> list[BankSearchHit]:
    """Search the question bank by meaning (the query is embedded on cpu_queue)."""
    return [
        BankSearchHit(
            id=str(match.entry.id),
            stage_key=match.entry.stage_key,
            competency=match.entry.competency,
            language=match.entry.language,
            text=match.entry.text,
            similarity=round(match.similarity, 4),
        )
        for match in search_bank_by_meaning(session, q, language, k)
    ]
