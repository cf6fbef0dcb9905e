"""Camera frames on cpu_queue: each frame fetched by key and observed, then the turn summarised
with the observations it already had; the result goes back to the backend by name."""

from typing import Any

from ai_worker._runtime.celery_app import app
from ai_worker._runtime.tasking import register, send_result
from interview_contracts.media import MediaMissing, get_media_store
from interview_contracts.tasks import TaskName
from interview_contracts.vision import FrameAnalysisRequest, FrameAnalysisResult, FrameOutcome


@register(app, TaskName.ANALYZE_FRAME_BATCH)
def analyze_frame_batch(payload: dict[str, Any]) -> int:
    from ai_worker.vision.aggregate import summarize
    from ai_worker.vision.frames import analyze_frame

    request = FrameAnalysisRequest.model_validate(payload)
    store = get_media_store()
    outcomes: list[FrameOutcome] = []
    for frame in request.frames:
        try:
            observation = analyze_frame(
                store.get(frame.key), frame.timestamp_s, request.emotion_enabled
            )
            outcomes.append(FrameOutcome(frame_id=frame.frame_id, observation=observation))
        # FrameInputError is a ValueError, as is the refusal of an ill-named key.
        except (MediaMissing, ValueError) as exc:
            outcomes.append(FrameOutcome(frame_id=frame.frame_id, error=str(exc)[:300]))
    observations = sorted(
        [*request.earlier, *(o.observation for o in outcomes if o.observation is not None)],
        key=lambda observation: observation.timestamp_s,
    )
    summary = summarize(observations, request.frame_interval_s, request.emotion_enabled)
    send_result(
        app,
        TaskName.STORE_FRAME_ANALYSIS,
        FrameAnalysisResult(
            interview_id=request.interview_id,
            turn_id=request.turn_id,
            outcomes=outcomes,
            summary=summary,
        ),
    )
    return sum(1 for outcome in outcomes if outcome.observation is not None)
