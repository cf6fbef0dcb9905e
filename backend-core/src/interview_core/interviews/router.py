import asyncio
import re
import uuid

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import StreamingResponse

from interview_core.accounts.models import User, UserRole
from interview_core.auth.dependencies import BriefSignIn, CurrentUser, DbSession, RecruiterOrAdmin
from interview_core.auth.service import is_session_live
from interview_core.config import get_infra_settings, get_settings
from interview_core.db.engine import session_scope
from interview_core.errors import Forbidden, PayloadTooLarge, UnprocessableInput
from interview_core.errors.openapi import problems
from interview_core.interviews import service
from interview_core.interviews.frames import store_frames
from interview_core.interviews.live import stream_events, wait_for_state
from interview_core.interviews.models import InterviewStatus
from interview_core.interviews.schemas import (
    AnswerAccepted,
    Consent,
    FramesAccepted,
    InterviewCreate,
    InterviewCreated,
    InterviewRead,
    InterviewState,
    InviteAccept,
    InvitePreview,
    RecruiterInterviewRead,
    TextAnswer,
    TurnRead,
)
from interview_core.pagination import PageLimit, PageOffset
from interview_core.uploads.limits import UploadKind, check_upload_rate

router = APIRouter(prefix="/interviews", tags=["interviews"])
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_.:-]{8,100}")
# Sequence numbers are stored as 32-bit integers.
MAX_FRAME_SEQUENCE = 2**31


# 409: the job is archived.
@router.post(
    "", response_model=InterviewCreated, status_code=201, responses=problems(403, 404, 409)
)
def create_interview(
    data: InterviewCreate, user: RecruiterOrAdmin, session: DbSession
) -> InterviewCreated:
    """Invite a candidate to an interview for a job: the link is e-mailed to them (after
    commit; a failed send is recorded) and shown once here."""
    interview, token = service.create_interview(session, user, data)
    # In the fragment, which browsers never send: the token stays out of access logs, proxies
    # and Referer headers (the web UI reads it from there, and still rewrites older links).
    url = f"{get_settings().public_base_url.rstrip('/')}/invite/interview#token={token}"
    service.mail_invite(session, interview, url)
    return InterviewCreated(
        interview=service.interview_read(interview), invite_token=token, invite_url=url
    )


@router.get("", response_model=list[RecruiterInterviewRead | InterviewRead])
def list_interviews(
    user: CurrentUser,
    session: DbSession,
    status: InterviewStatus | None = None,
    job_id: uuid.UUID | None = None,
    search: str | None = Query(None, max_length=200),
    limit: PageLimit = 50,
    offset: PageOffset = 0,
) -> list[RecruiterInterviewRead] | list[InterviewRead]:
    """Interviews the user may see, newest first, filtered by status, job or candidate e-mail.
    Recruiters and admins get RecruiterInterviewRead rows (candidate's name, progress, the
    report's score and recommendation, the decision); a candidate gets InterviewRead only."""
    found = service.list_interviews(session, user, status, job_id, search, limit, offset)
    if user.role is UserRole.CANDIDATE:
        return [service.interview_read(i) for i in found]
    return service.recruiter_rows(session, found)


@router.post("/invite-preview", response_model=InvitePreview, responses=problems(404))
def preview_invite(data: InviteAccept, session: DbSession) -> InvitePreview:
    """An invite link's context before signing in: organisation, role, length, language and
    the address it was sent to (public: the token is the credential)."""
    return service.preview_invite(session, data.token)


@router.post("/accept", response_model=InterviewRead, responses=problems(403, 404, 409))
def accept_invite(data: InviteAccept, user: CurrentUser, session: DbSession) -> InterviewRead:
    """The logged-in candidate accepts an invite link."""
    return service.interview_read(service.accept_invite(session, user, data.token))


@router.get("/{interview_id}", response_model=InterviewState)
async def get_state(
    interview_id: uuid.UUID, signed_in: BriefSignIn, wait_s: float = Query(0, ge=0, le=60)
) -> InterviewState:
    """Where the interview stands; `wait_s` long-polls until the next question is ready."""
    return await wait_for_state(signed_in.user, interview_id, wait_s)


@router.get("/{interview_id}/turns", response_model=list[TurnRead])
def list_turns(
    interview_id: uuid.UUID,
    user: CurrentUser,
    session: DbSession,
    limit: PageLimit = 100,
    offset: PageOffset = 0,
) -> list[TurnRead]:
    """The turns so far, in stage order: questions, answers and processing status."""
    interview = service.get_interview(session, user, interview_id)
    turns = service.list_turns(session, interview, limit, offset)
    return [TurnRead.model_validate(t) for t in turns]


@router.post("/{interview_id}/start", response_model=InterviewState, responses=problems(403, 409))
def start(
    interview_id: uuid.UUID, consent: Consent, user: CurrentUser, session: DbSession
) -> InterviewState:
    """The candidate gives consent per modality and starts; the first question is ready at once."""
    interview = service.start_interview(session, user, interview_id, consent)
    return service.state_of(session, interview)


@router.post(
    "/{interview_id}/turns/{turn_id}/answer",
    response_model=AnswerAccepted,
    responses=problems(403, 409),
)
def answer_text(
    interview_id: uuid.UUID,
    turn_id: uuid.UUID,
    answer: TextAnswer,
    user: CurrentUser,
    session: DbSession,
) -> AnswerAccepted:
    """Submit a typed answer. Retrying with the same idempotency key returns the same turn."""
    turn = service.submit_text_answer(session, user, interview_id, turn_id, answer)
    interview = service.get_interview(session, user, interview_id)
    return AnswerAccepted(
        answered_turn=TurnRead.model_validate(turn), state=service.state_of(session, interview)
    )


@router.post(
    "/{interview_id}/turns/{turn_id}/audio",
    response_model=AnswerAccepted,
    responses=problems(403, 409, 415, 429),
)
def answer_audio(
    interview_id: uuid.UUID,
    turn_id: uuid.UUID,
    user: CurrentUser,
    session: DbSession,
    audio: UploadFile | None = None,
    idempotency_key: str | None = Form(None),
) -> AnswerAccepted:
    """Submit a spoken answer (webm, ogg, mp4, wav or mp3); it is transcribed on cpu_queue."""
    check_upload_rate(user.id, UploadKind.AUDIO)
    # Access is decided before the upload is looked at, so outsiders learn nothing from it.
    # Locked: two uploads to one interview are checked against its quota one after the other.
    interview = service.get_interview(session, user, interview_id, lock=True)
    if interview.candidate_id != user.id:
        raise Forbidden("Only the invited candidate answers.")
    if audio is None:
        raise UnprocessableInput(
            "Attach the recording as the 'audio' file field.", code="audio-missing"
        )
    if not idempotency_key or not IDEMPOTENCY_KEY.fullmatch(idempotency_key):
        raise UnprocessableInput(
            "Send an idempotency_key of 8-100 letters, digits or ._:-",
            code="invalid-idempotency-key",
        )
    limit = get_infra_settings().max_audio_upload_bytes
    data = audio.file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"Audio larger than {limit} bytes.", code="audio-too-large")
    turn = service.submit_audio_answer(session, user, interview, turn_id, idempotency_key, data)
    return AnswerAccepted(
        answered_turn=TurnRead.model_validate(turn), state=service.state_of(session, interview)
    )


@router.post(
    "/{interview_id}/turns/{turn_id}/frames",
    response_model=FramesAccepted,
    responses=problems(403, 409, 415, 429),
)
def upload_frames(
    interview_id: uuid.UUID,
    turn_id: uuid.UUID,
    user: CurrentUser,
    session: DbSession,
    frames: list[UploadFile] | None = None,
    sequences: str | None = Form(None),
    timestamps: str | None = Form(None),
) -> FramesAccepted:
    """A batch of JPEG camera frames for a turn (needs video consent); analysed on cpu_queue.
    `sequences` and `timestamps` are comma-separated, one per frame."""
    check_upload_rate(user.id, UploadKind.FRAMES)
    interview = service.get_interview(session, user, interview_id)
    if interview.candidate_id != user.id:
        raise Forbidden("Only the candidate's own camera sends frames.")
    files = frames or []
    try:
        numbers = [int(v) for v in (sequences or "").split(",") if v.strip()]
        seconds = [float(v) for v in (timestamps or "").split(",") if v.strip()]
    except ValueError:
        raise UnprocessableInput(
            "sequences and timestamps must be numbers.", code="bad-frame-meta"
        ) from None
    if (
        not (len(files) == len(numbers) == len(seconds))
        or any(not 0 <= n < MAX_FRAME_SEQUENCE for n in numbers)
        or any(not 0 <= t < 86400 for t in seconds)
    ):
        raise UnprocessableInput(
            "Send one sequence number and one timestamp per frame.", code="bad-frame-meta"
        )
    limit = get_infra_settings().vision_max_frame_bytes
    batch = []
    for number, second, upload in zip(numbers, seconds, files, strict=True):
        data = upload.file.read(limit + 1)
        batch.append((number, second, data))
    stored = store_frames(session, user, interview_id, turn_id, batch)
    return FramesAccepted(received=len(batch), stored=stored)


@router.post("/{interview_id}/cancel", response_model=InterviewRead, responses=problems(403, 409))
def cancel(interview_id: uuid.UUID, user: RecruiterOrAdmin, session: DbSession) -> InterviewRead:
    """A recruiter cancels an interview that has not finished."""
    return service.interview_read(service.cancel_interview(session, user, interview_id))


@router.get("/{interview_id}/events", response_class=StreamingResponse)
async def events(
    interview_id: uuid.UUID,
    signed_in: BriefSignIn,
    request: Request,
    duration_s: float = Query(300, ge=1, le=3600),
) -> StreamingResponse:
    """Server-Sent Events for one interview: transcribing, evaluating, question tokens, ready."""
    await asyncio.to_thread(_check_access, signed_in.user, interview_id)
    return StreamingResponse(
        stream_events(
            interview_id,
            request.is_disconnected,
            duration_s,
            still_signed_in=lambda: asyncio.to_thread(_session_is_live, signed_in.session_id),
            session_recheck_s=get_settings().stream_session_recheck_s,
        ),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _check_access(user: User, interview_id: uuid.UUID) -> None:
    with session_scope() as session:
        service.get_interview(session, user, interview_id)


def _session_is_live(session_id: uuid.UUID) -> bool:
    with session_scope() as session:
        return is_session_live(session, session_id)
