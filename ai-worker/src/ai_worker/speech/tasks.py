"""Speech-to-text on cpu_queue: audio fetched from the media store by key, the transcript (or
why there is none) sent back to the backend by name."""

import logging
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import task_failure

from ai_worker._runtime.celery_app import app
from ai_worker._runtime.tasking import register, send_result
from ai_worker.llm.tasks import failure_reason
from interview_contracts.media import MediaMissing, get_media_store
from interview_contracts.speech import TranscriptionRequest, TranscriptionResult
from interview_contracts.tasks import TaskName

logger = logging.getLogger(__name__)


def _send_failure(request: TranscriptionRequest, reason: str) -> None:
    send_result(
        app,
        TaskName.STORE_TRANSCRIPT,
        TranscriptionResult(
            interview_id=request.interview_id, turn_id=request.turn_id, failure=reason[:500]
        ),
    )


@register(app, TaskName.TRANSCRIBE_AUDIO)
def transcribe_audio(payload: dict[str, Any]) -> str:
    from ai_worker.speech.audio import SpeechInputError
    from ai_worker.speech.transcribe import transcribe_audio as transcribe

    request = TranscriptionRequest.model_validate(payload)
    try:
        audio = get_media_store().get(request.audio_key)
        transcript = transcribe(audio, request.language)
    except SoftTimeLimitExceeded as exc:
        _send_failure(request, failure_reason("transcription", exc))
        return "timed-out"
    except (SpeechInputError, MediaMissing, ValueError) as exc:
        # A missing, undecodable or ill-named (ValueError) recording: the turn stays current
        # and unanswered, and the candidate re-records or types.
        _send_failure(request, str(exc) or type(exc).__name__)
        return "failed"
    send_result(
        app,
        TaskName.STORE_TRANSCRIPT,
        TranscriptionResult(
            interview_id=request.interview_id, turn_id=request.turn_id, transcript=transcript
        ),
    )
    return "done"


@task_failure.connect(sender=transcribe_audio)  # type: ignore[untyped-decorator]
def _on_transcription_failed(exception: BaseException, kwargs: dict[str, Any], **_: Any) -> None:
    """As for evaluation: a transcription stopped by its hard time limit fails the turn's
    transcription, which leaves the turn answerable by text, never pending."""
    request = TranscriptionRequest.model_validate(kwargs["payload"])
    reason = failure_reason("transcription", exception)
    _send_failure(request, reason)
    logger.warning(reason, extra={"interview_id": request.interview_id, "turn_id": request.turn_id})
