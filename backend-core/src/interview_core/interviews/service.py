"""Interview rules: invites, start, answers, and the next question that never stalls."""

import hashlib
import logging
import secrets
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from interview_contracts.interviews import EventType, TurnTask
from interview_contracts.tasks import TaskName
from interview_core.accounts.models import EmotionAnalysis, Organisation, User, UserRole
from interview_core.auth.policy import ensure_candidate_or_org_access, ensure_org_access
from interview_core.broker.after_commit import run_after_commit
from interview_core.broker.client import send
from interview_core.config import get_infra_settings
from interview_core.db.engine import session_scope
from interview_core.errors import Conflict, Forbidden, NotFound, UnprocessableInput
from interview_core.events import publish_event
from interview_core.interviews.media import store_answer_audio
from interview_core.interviews.models import (
    Interview,
    InterviewStatus,
    ProcessingStatus,
    Resume,
    Turn,
    reached_turns,
)
from interview_core.interviews.schemas import (
    Consent,
    InterviewCreate,
    InterviewRead,
    InterviewState,
    InvitePreview,
    RecruiterInterviewRead,
    TextAnswer,
    TurnRead,
)
from interview_core.interviews.state_machine import transition
from interview_core.interviews.transitions import (
    expire_if_due,
    open_turn,
    record_answer,
    resend_pending_work,
    serve_bank_question_if_due,
)
from interview_core.jobs.models import Job
from interview_core.mail.messages import interview_invite_mail
from interview_core.mail.sender import send_after_commit
from interview_core.reports.service import report_glances
from interview_core.scenarios.catalog import get_scenario
from interview_core.uploads.limits import check_audio_quota

logger = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- invites -------------------------------------------------------------------------------


def create_interview(session: Session, user: User, data: InterviewCreate) -> tuple[Interview, str]:
    job = session.get(Job, data.job_id)
    if job is None:
        raise NotFound("Job not found.")
    ensure_org_access(user, job.organisation_id)
    if job.archived_at is not None:
        raise Conflict(
            "This job is archived: restore it to invite candidates.", code="job-archived"
        )
    if (
        data.window_opens_at
        and data.window_closes_at
        and data.window_closes_at <= data.window_opens_at
    ):
        raise UnprocessableInput("The window must close after it opens.", code="invalid-window")
    scenario = get_scenario(job.scenario_key)
    token = secrets.token_urlsafe(32)
    # Nobody is bound yet, whoever holds an account with this address: only the invite token,
    # mailed to the address, binds the interview to an account (accept_invite).
    interview = Interview(
        organisation_id=job.organisation_id,
        job_id=job.id,
        candidate_id=None,
        candidate_email=data.candidate_email.lower(),
        invite_token_hash=hash_token(token),
        created_by=user.id,
        status=InterviewStatus.SCHEDULED,
        language=job.language,
        scenario_key=scenario.key,
        scenario_version=scenario.version,
        stages=[stage.model_dump(mode="json") for stage in scenario.stages],
        current_stage_index=0,
        window_opens_at=data.window_opens_at,
        window_closes_at=data.window_closes_at,
    )
    session.add(interview)
    session.flush()
    return interview, token


def mail_invite(session: Session, interview: Interview, invite_url: str) -> None:
    """E-mail the invite link to the candidate once the interview is committed; a failed send
    is recorded and the recruiter still has the link to pass on."""
    job = session.get_one(Job, interview.job_id)
    organisation = session.get_one(Organisation, interview.organisation_id)
    mail = interview_invite_mail(
        to=interview.candidate_email,
        language=interview.language,
        organisation=organisation.name,
        job_title=job.title,
        question_count=len(interview.stages),
        link=invite_url,
        closes_at=interview.window_closes_at,
        interview_id=interview.id,
    )
    send_after_commit(session, mail)


def _by_invite_token(session: Session, token: str) -> Interview | None:
    return session.scalar(
        select(Interview).where(Interview.invite_token_hash == hash_token(token)).with_for_update()
    )


def invite_for_address(session: Session, token: str, email: str) -> Interview | None:
    """The interview an invite token names, when it was sent to `email` and nobody accepted it
    yet: registering with it creates the account for that address at once."""
    interview = _by_invite_token(session, token)
    if interview is None or interview.candidate_email != email:
        return None
    return interview if interview.candidate_id is None else None


def preview_invite(session: Session, token: str) -> InvitePreview:
    """Public: the token is the credential, as for accepting it."""
    interview = session.scalar(
        select(Interview).where(Interview.invite_token_hash == hash_token(token))
    )
    if interview is None:
        raise NotFound("This invite link is not valid.", code="invite-not-found")
    expire_if_due(session, interview)
    job = session.get_one(Job, interview.job_id)
    organisation = session.get_one(Organisation, interview.organisation_id)
    return InvitePreview(
        organisation_name=organisation.name,
        job_title=job.title,
        language=interview.language,
        question_count=len(interview.stages),
        candidate_email=interview.candidate_email,
        status=InterviewStatus(interview.status),
        accepted=interview.candidate_id is not None,
        window_closes_at=interview.window_closes_at,
    )


def accept_invite(session: Session, user: User, token: str) -> Interview:
    """The signed-in candidate claims the interview the invite link names. The token is what
    binds it; the account must also have the address the invite was sent to, so a link that
    reached someone else is refused rather than claimed."""
    if user.role is not UserRole.CANDIDATE:
        raise Forbidden("Only candidates accept interview invites.")
    interview = _by_invite_token(session, token)
    if interview is None:
        raise NotFound("This invite link is not valid.", code="invite-not-found")
    if interview.candidate_email != user.email:
        raise Forbidden(
            "This invitation was sent to another e-mail address than the one you are signed in "
            "with. Sign out, then open the link again and sign in or register with the address "
            "the invitation was sent to.",
            code="invite-for-another-email",
        )
    if interview.candidate_id not in (None, user.id):
        raise Conflict("This invite was already accepted.", code="invite-used")
    interview.candidate_id = user.id
    return interview


# --- reading -------------------------------------------------------------------------------


def get_interview(
    session: Session, user: User, interview_id: uuid.UUID, *, lock: bool = False
) -> Interview:
    query = select(Interview).where(Interview.id == interview_id)
    if lock:
        query = query.with_for_update()
    interview = session.scalar(query)
    if interview is None or (interview.candidate_id is None and user.role is UserRole.CANDIDATE):
        raise NotFound("Interview not found.")
    ensure_candidate_or_org_access(
        user, interview.organisation_id, interview.candidate_id or uuid.UUID(int=0)
    )
    return interview


def list_interviews(
    session: Session,
    user: User,
    status: InterviewStatus | None,
    job_id: uuid.UUID | None,
    search: str | None,
    limit: int,
    offset: int,
) -> list[Interview]:
    query = select(Interview).order_by(Interview.created_at.desc()).limit(limit).offset(offset)
    if user.role is UserRole.CANDIDATE:
        query = query.where(Interview.candidate_id == user.id)
    elif user.role is UserRole.RECRUITER:
        query = query.where(Interview.organisation_id == user.organisation_id)
    if status:
        query = query.where(Interview.status == status)
    if job_id:
        query = query.where(Interview.job_id == job_id)
    if search:
        query = query.where(Interview.candidate_email.ilike(f"%{search.replace('%', '')}%"))
    return list(session.scalars(query))


def interview_read(interview: Interview) -> InterviewRead:
    return InterviewRead.model_validate(
        {
            **{c: getattr(interview, c) for c in InterviewRead.model_fields if c != "stage_count"},
            "stage_count": len(interview.stages),
        }
    )


def recruiter_rows(session: Session, interviews: list[Interview]) -> list[RecruiterInterviewRead]:
    """The page's interviews with what a recruiter triages by. Three queries for the whole page,
    whatever its length: the candidates' names, the answered stages, the reports."""
    if not interviews:
        return []
    ids = [interview.id for interview in interviews]
    candidate_ids = {i.candidate_id for i in interviews if i.candidate_id is not None}
    # Keyed by the interview's candidate_id, which is None until an account accepts the invite.
    names: dict[uuid.UUID | None, str] = dict(
        session.execute(select(User.id, User.full_name).where(User.id.in_(candidate_ids)))
        .tuples()
        .all()
    )
    answered: dict[uuid.UUID, int] = dict(
        session.execute(
            select(Turn.interview_id, func.count())
            .where(Turn.interview_id.in_(ids), Turn.answered_at.is_not(None))
            .group_by(Turn.interview_id)
        )
        .tuples()
        .all()
    )
    reports = report_glances(session, ids)
    rows: list[RecruiterInterviewRead] = []
    for interview in interviews:
        report = reports.get(interview.id)
        rows.append(
            RecruiterInterviewRead.model_validate(
                {
                    **interview_read(interview).model_dump(),
                    "candidate_name": names.get(interview.candidate_id),
                    "answered_stages": answered.get(interview.id, 0),
                    "report_status": report.status if report else None,
                    "weighted_score": report.weighted_score if report else None,
                    "recommendation": report.recommendation if report else None,
                    "decision": report.decision if report else None,
                }
            )
        )
    return rows


def current_turn(session: Session, interview: Interview) -> Turn | None:
    return session.scalar(
        select(Turn).where(
            Turn.interview_id == interview.id, Turn.stage_index == interview.current_stage_index
        )
    )


def state_of(session: Session, interview: Interview) -> InterviewState:
    """What the candidate's screen shows. A read: a deadline or an expiry that is due is
    applied by a core task (and the sweep), never here."""
    turn = current_turn(session, interview)
    answered = (
        session.scalar(
            select(func.count()).where(
                Turn.interview_id == interview.id, Turn.answered_at.is_not(None)
            )
        )
        or 0
    )
    status = InterviewStatus(interview.status)
    if status is InterviewStatus.SCHEDULED:
        phase = "not_started"
    elif status is not InterviewStatus.IN_PROGRESS or turn is None:
        phase = "finished"
    elif turn.stt_status == ProcessingStatus.PENDING:
        phase = "processing_answer"
    elif turn.question_text is None:
        phase = "waiting_for_question"
    else:
        phase = "answering"
    return InterviewState(
        interview=interview_read(interview),
        current_turn=TurnRead.model_validate(turn) if turn else None,
        answered_turns=answered,
        phase=phase,
        emotion_analysis_enabled=_analyses_expressions(session, interview),
        max_resume_upload_bytes=get_infra_settings().max_resume_upload_bytes,
    )


def _analyses_expressions(session: Session, interview: Interview) -> bool:
    organisation = session.get_one(Organisation, interview.organisation_id)
    return EmotionAnalysis(organisation.emotion_analysis) is EmotionAnalysis.OBSERVE


def read_state_for_wait(
    user: User, interview_id: uuid.UUID
) -> tuple[InterviewState, datetime | None]:
    """The state in its own short transaction (a long-poll holds no connection between reads),
    and the current question's generation deadline, when it changes without any event."""
    with session_scope() as session:
        interview = get_interview(session, user, interview_id)
        state = state_of(session, interview)
        deadline = None
        if state.phase == "waiting_for_question" and state.current_turn is not None:
            deadline = session.scalar(
                select(Turn.generation_deadline_at).where(Turn.id == state.current_turn.id)
            )
    return state, deadline


# --- the candidate's actions --------------------------------------------------------------


def start_interview(
    session: Session, user: User, interview_id: uuid.UUID, consent: Consent
) -> Interview:
    interview = get_interview(session, user, interview_id, lock=True)
    if interview.candidate_id != user.id:
        raise Forbidden("Only the invited candidate starts the interview.")
    expire_if_due(session, interview)
    now = _now()
    if interview.window_opens_at and interview.window_opens_at > now:
        raise Conflict("The interview window has not opened yet.", code="window-not-open")
    if consent.resume_id is not None:
        resume = session.get(Resume, consent.resume_id)
        if resume is None or resume.candidate_id != user.id:
            raise NotFound("Résumé not found.")
        interview.resume_id = resume.id
    transition(interview, InterviewStatus.IN_PROGRESS)
    interview.consent_audio = consent.audio
    interview.consent_video = consent.video
    # Only a consent to what happens is kept: where the organisation does not analyse
    # expressions the candidate was not asked, and a consent sent anyway is not recorded.
    interview.consent_emotion = (
        consent.emotion and consent.video and _analyses_expressions(session, interview)
    )
    interview.started_at = now
    interview.last_activity_at = now
    open_turn(session, interview, 0)
    return interview


def _find_by_idempotency_key(session: Session, interview: Interview, key: str) -> Turn | None:
    return session.scalar(
        select(Turn).where(Turn.interview_id == interview.id, Turn.answer_idempotency_key == key)
    )


def _repeated_answer(session: Session, turn: Turn) -> Turn:
    """The same answer again: usually the client retrying after an error such as the broker
    being down after the answer was committed. Its work, if still pending, is sent again."""
    resend_pending_work(session, turn)
    return turn


def _ensure_the_candidate(user: User, interview: Interview) -> None:
    if interview.candidate_id != user.id:
        raise Forbidden("Only the invited candidate answers.")


def _answerable_turn(
    session: Session, user: User, interview: Interview, turn_id: uuid.UUID
) -> Turn:
    _ensure_the_candidate(user, interview)
    expire_if_due(session, interview)
    if InterviewStatus(interview.status) is not InterviewStatus.IN_PROGRESS:
        raise Conflict(f"The interview is {interview.status}.", code="interview-not-in-progress")
    turn = current_turn(session, interview)
    if turn is None or turn.id != turn_id:
        raise Conflict("This is not the current question.", code="not-current-turn")
    if turn.question_text is None and serve_bank_question_if_due(session, turn.id):
        session.refresh(turn)
    if turn.question_text is None:
        raise Conflict("The question is not ready yet.", code="question-not-ready")
    if turn.answered_at is not None or turn.stt_status == ProcessingStatus.PENDING:
        raise Conflict("This question was already answered.", code="already-answered")
    return turn


def submit_text_answer(
    session: Session, user: User, interview_id: uuid.UUID, turn_id: uuid.UUID, answer: TextAnswer
) -> Turn:
    interview = get_interview(session, user, interview_id, lock=True)
    # Before the key is looked up: a recruiter who may read the interview must not replay the
    # candidate's answer (and learn which turn a key belongs to).
    _ensure_the_candidate(user, interview)
    earlier = _find_by_idempotency_key(session, interview, answer.idempotency_key)
    if earlier is not None:
        return _repeated_answer(session, earlier)
    turn = _answerable_turn(session, user, interview, turn_id)
    turn.answer_text = answer.text.strip()
    turn.answer_kind = "text"
    turn.answer_idempotency_key = answer.idempotency_key
    record_answer(session, interview, turn)
    return turn


def submit_audio_answer(
    session: Session,
    user: User,
    interview: Interview,
    turn_id: uuid.UUID,
    idempotency_key: str,
    audio: bytes,
) -> Turn:
    """`interview` is locked by the caller. The recording is written only once every check
    passed (consent, the current turn, the quota), so a refused upload leaves no file."""
    _ensure_the_candidate(user, interview)
    if not interview.consent_audio:
        raise Forbidden(
            "Audio answers need the candidate's audio consent.", code="no-audio-consent"
        )
    earlier = _find_by_idempotency_key(session, interview, idempotency_key)
    if earlier is not None:
        return _repeated_answer(session, earlier)
    check_audio_quota(interview.id, len(audio))
    turn = _answerable_turn(session, user, interview, turn_id)
    turn.answer_kind = "audio"
    turn.answer_idempotency_key = idempotency_key
    turn.audio_path = store_answer_audio(session, interview.id, turn.id, audio)
    turn.stt_status = ProcessingStatus.PENDING
    turn.stt_error = None
    interview.last_activity_at = _now()
    payload = TurnTask(interview_id=interview.id, turn_id=turn.id)
    run_after_commit(session, lambda: send(TaskName.TRANSCRIBE_TURN, payload))
    run_after_commit(
        session, lambda: publish_event(interview.id, EventType.TRANSCRIBING, turn_id=turn.id)
    )
    return turn


def cancel_interview(session: Session, user: User, interview_id: uuid.UUID) -> Interview:
    interview = get_interview(session, user, interview_id, lock=True)
    if user.role is UserRole.CANDIDATE:
        raise Forbidden("Candidates cannot cancel interviews.")
    transition(interview, InterviewStatus.CANCELLED)
    return interview


def list_turns(
    session: Session, interview: Interview, limit: int | None = None, offset: int = 0
) -> list[Turn]:
    query = reached_turns(interview)
    return list(session.scalars(query.limit(limit).offset(offset)))
