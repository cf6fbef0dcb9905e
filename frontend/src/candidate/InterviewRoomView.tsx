// The interview room as a pure view of its state, so every state can be rendered and tested.
import { useEffect, useRef, useState } from "react";
import type { InterviewState, Turn } from "../api/client";
import { CharCount } from "../auth/AuthForms";
import { useI18n, type MessageKey } from "../i18n";
import { DeviceProblem } from "./DeviceProblem";
import type { Recorder } from "./useRecorder";

/** What the live event stream says is happening right now. */
export type LiveActivity = "idle" | "transcribing";

export interface InterviewRoomViewProps {
  state: InterviewState;
  activity: LiveActivity;
  connected: boolean;
  readAloud: boolean;
  onReadAloudChange: (on: boolean) => void;
  voiceAvailable: boolean;
  recorder: Pick<Recorder, "status" | "elapsedS" | "playbackUrl" | "error" | "start" | "stop" | "reset">;
  uploadProgress: number | null;
  submitError: string | null;
  submitting: boolean;
  onSubmitAudio: () => void;
  onSubmitText: (text: string) => void;
  /** The candidate's own devices, once opened. */
  camera: MediaStream | null;
  /** A device the candidate consented to could not be opened. */
  devicesUnavailable: boolean;
  onRetryDevices: () => void;
  /** Whether the browser can read questions aloud in the interview language. */
  speechAvailable: boolean;
  onReplayQuestion: () => void;
}

/** Where a half-typed answer is kept, so that it survives a reload until it is submitted. */
export const answerDraftKey = (interviewId: string, turnId: string) => `interview.draft.${interviewId}.${turnId}`;

// stt_error is "<code>: <English message>" from the speech worker, or a worker failure text:
// the candidate reads the reason in their own language.
const STT_REASONS: Record<string, MessageKey> = {
  no_speech: "sttNoSpeech",
  silent_audio: "sttSilent",
  empty_audio: "sttEmpty",
  too_long: "sttTooLong",
  too_large: "sttTooLarge",
  unsupported_format: "sttUnreadable",
  corrupt_audio: "sttUnreadable",
};
const sttReason = (error: string | null): MessageKey => STT_REASONS[error?.split(":", 1)[0] ?? ""] ?? "sttOther";

// The server's limit on a typed answer (interviews/schemas.py): typing stops there and a counter
// shows how much is used, so a long answer is not refused only on submit.
export const MAX_TYPED_ANSWER = 20000;

const formatClock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;

export function InterviewRoomView(props: InterviewRoomViewProps) {
  const { state, t } = { state: props.state, t: useI18n().t };
  if (state.phase === "finished") return <EndScreen cancelled={state.interview.status !== "completed"} />;
  const turn = state.current_turn;
  const total = state.interview.stage_count;
  const stageNumber = (turn?.stage_index ?? state.answered_turns) + 1;
  return (
    <section className="room" aria-labelledby="room-title">
      <header className="room-header">
        <h1 id="room-title">{t("roomTitle")}</h1>
        {props.speechAvailable && (
          <label className="toggle">
            <input type="checkbox" checked={props.readAloud} onChange={(e) => props.onReadAloudChange(e.target.checked)} />
            {t("readAloud")}
          </label>
        )}
      </header>
      <StageProgress current={stageNumber} total={total} />
      {!props.connected && (
        <p className="notice warning" role="status">
          ⚠ {t("reconnecting")}
        </p>
      )}
      {!props.speechAvailable && <p className="notice warning">{t("readAloudUnavailable")}</p>}
      <MediaStatus {...props} />
      <QuestionPanel {...props} />
    </section>
  );
}

function StageProgress({ current, total }: { current: number; total: number }) {
  const { t } = useI18n();
  const label = t("stageOf", { n: Math.min(current, total), total });
  return (
    <div className="stage-progress">
      <p id="stage-label">{label}</p>
      <progress aria-labelledby="stage-label" max={total} value={current - 1} />
      <ol className="stage-dots" aria-hidden="true">
        {Array.from({ length: total }, (_, i) => (
          <li key={i} className={i + 1 < current ? "done" : i + 1 === current ? "current" : ""}>
            {i + 1 < current ? "✓" : i + 1}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** The camera self-view and what is being recorded right now, or why the devices are missing. */
function MediaStatus(props: InterviewRoomViewProps) {
  const { t } = useI18n();
  if (props.devicesUnavailable) return <DeviceProblem onRetry={props.onRetryDevices} />;
  const camera = props.state.interview.consent_video && props.camera?.getVideoTracks().length ? props.camera : null;
  const audioOn = props.recorder.status === "recording";
  // Camera frames are sampled while a question is being answered (useFrameSampler).
  const videoOn = camera !== null && props.state.phase === "answering";
  const label: MessageKey | null = audioOn && videoOn ? "recordingCameraAndMicrophone" : videoOn ? "recordingCamera" : audioOn ? "recordingMicrophone" : null;
  return (
    <div className="media-status">
      {camera && <SelfView stream={camera} />}
      {/* Always rendered, so screen readers announce the change when recording starts. */}
      <p className="recording-status" role="status">
        {label && (
          <>
            <span className="rec-dot" aria-hidden="true" /> {t(label)}
          </>
        )}
      </p>
    </div>
  );
}

function SelfView({ stream }: { stream: MediaStream }) {
  const { t } = useI18n();
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.srcObject = stream;
  }, [stream]);
  // Muted: the candidate's own microphone must never play back through the speakers.
  return <video ref={ref} className="self-view" autoPlay muted playsInline aria-label={t("selfView")} />;
}

function QuestionPanel(props: InterviewRoomViewProps) {
  const { t } = useI18n();
  const { state, activity } = props;
  const turn = state.current_turn;
  if (state.phase === "processing_answer" || (state.phase !== "answering" && activity === "transcribing")) {
    return <Waiting message={t("transcribing")} />;
  }
  if (state.phase === "waiting_for_question" || !turn?.question_text) {
    // No draft is shown: only a question that passed the server's checks reaches the page.
    return (
      <div className="question-card" aria-live="polite" aria-busy="true">
        <p className="status-line">
          <span className="spinner" aria-hidden="true" /> {t("waitingForQuestion")}
        </p>
      </div>
    );
  }
  return <QuestionCard key={turn.id} {...props} turn={turn} />;
}

function QuestionCard(props: InterviewRoomViewProps & { turn: Turn }) {
  const { t } = useI18n();
  const { turn } = props;
  const heading = useRef<HTMLHeadingElement>(null);
  // A new question, and Start/Stop recording, remove the element that had focus: focus goes to
  // the question (read out by screen readers), not to the page body.
  useEffect(() => {
    heading.current?.focus();
  }, [props.recorder.status]);
  return (
    <div className="question-card">
      <h2 ref={heading} tabIndex={-1} className="question-text" data-testid="question-text">
        {turn.question_text}
      </h2>
      {props.speechAvailable && (
        <button type="button" className="replay" onClick={props.onReplayQuestion}>
          <span aria-hidden="true">🔊</span> {t("replayQuestion")}
        </button>
      )}
      {turn.stt_status === "failed" && (
        <p className="notice error" role="alert">
          ✕ {t("transcriptionFailed", { reason: t(sttReason(turn.stt_error)) })}
        </p>
      )}
      {/* The voice answer stays available after a failed transcription: the candidate may record again. */}
      <AnswerForm {...props} turnId={turn.id} voiceAllowed={props.voiceAvailable} />
    </div>
  );
}

function Waiting({ message }: { message: string }) {
  return (
    <div className="question-card" aria-live="polite" aria-busy="true">
      <p className="status-line">
        <span className="spinner" aria-hidden="true" /> {message}
      </p>
    </div>
  );
}

function AnswerForm(props: InterviewRoomViewProps & { turnId: string; voiceAllowed: boolean }) {
  const { t } = useI18n();
  const draftKey = answerDraftKey(props.state.interview.id, props.turnId);
  const [text, setText] = useState(() => localStorage.getItem(draftKey) ?? "");
  // A restored draft opens the typed answer, so it is seen.
  const [mode, setMode] = useState<"voice" | "text">(props.voiceAllowed && !text ? "voice" : "text");
  const changeText = (value: string) => {
    setText(value);
    if (value) localStorage.setItem(draftKey, value);
    else localStorage.removeItem(draftKey);
  };
  const { recorder } = props;
  useEffect(() => {
    if (!props.voiceAllowed) setMode("text");
  }, [props.voiceAllowed]);
  const busy = props.submitting;
  return (
    <div className="answer">
      <div role="group" aria-label={t("answer")} className="segmented">
        <button type="button" aria-pressed={mode === "voice"} disabled={!props.voiceAllowed || busy} onClick={() => setMode("voice")}>
          {t("answerByVoice")}
        </button>
        <button type="button" aria-pressed={mode === "text"} disabled={busy} onClick={() => setMode("text")}>
          {t("answerByText")}
        </button>
      </div>
      {mode === "voice" ? (
        <div className="voice-answer">
          {recorder.status === "recording" ? (
            <>
              <p className="recording-indicator" role="timer" aria-live="off">
                <span className="rec-dot" aria-hidden="true" /> {t("recording")} {formatClock(recorder.elapsedS)}
              </p>
              <button type="button" className="primary" onClick={recorder.stop}>
                ■ {t("stopRecording")}
              </button>
            </>
          ) : recorder.status === "recorded" ? (
            <>
              <p className="timer">{formatClock(recorder.elapsedS)}</p>
              {recorder.playbackUrl && <audio controls src={recorder.playbackUrl} aria-label={t("playback")} />}
              <div className="actions">
                <button type="button" disabled={busy} onClick={recorder.start}>
                  ↺ {t("reRecord")}
                </button>
                <button type="button" className="primary" disabled={busy} onClick={props.onSubmitAudio}>
                  {t("submitAnswer")}
                </button>
              </div>
            </>
          ) : (
            <button type="button" className="primary" disabled={busy} onClick={recorder.start}>
              ● {t("startRecording")}
            </button>
          )}
          {recorder.error && (
            <p className="notice error" role="alert">
              ✕ {t("deviceError", { reason: recorder.error })}
            </p>
          )}
        </div>
      ) : (
        <form
          className="text-answer"
          onSubmit={(event) => {
            event.preventDefault();
            if (text.trim()) props.onSubmitText(text.trim());
          }}
        >
          <label htmlFor="typed-answer">{t("typedAnswer")}</label>
          <textarea
            id="typed-answer"
            rows={6}
            value={text}
            maxLength={MAX_TYPED_ANSWER}
            aria-describedby="typed-answer-count"
            onChange={(e) => changeText(e.target.value)}
          />
          <CharCount id="typed-answer-count" length={text.length} max={MAX_TYPED_ANSWER} />
          <button type="submit" className="primary" disabled={busy || !text.trim()}>
            {t("submitAnswer")}
          </button>
        </form>
      )}
      {props.uploadProgress !== null && (
        <div className="upload">
          <label htmlFor="upload-progress">{t("uploading", { percent: Math.round(props.uploadProgress * 100) })}</label>
          <progress id="upload-progress" max={1} value={props.uploadProgress} />
        </div>
      )}
      {props.submitError && (
        <p className="notice error" role="alert">
          ✕ {props.submitError}
        </p>
      )}
    </div>
  );
}

export function EndScreen({ cancelled }: { cancelled: boolean }) {
  const { t } = useI18n();
  return (
    <section className="end-screen" aria-labelledby="end-title">
      <p className="end-mark" aria-hidden="true">
        {cancelled ? "—" : "✓"}
      </p>
      <h1 id="end-title">{cancelled ? t("cancelledTitle") : t("finishedTitle")}</h1>
      {!cancelled && <p>{t("finishedBody")}</p>}
    </section>
  );
}
