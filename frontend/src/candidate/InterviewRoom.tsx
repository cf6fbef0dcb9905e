// The candidate's interview: state from the API (resumable after reload), live events,
// voice or typed answers, read-aloud questions and background camera frames.
import { useCallback, useEffect, useRef, useState } from "react";
import { api, newIdempotencyKey, type InterviewState } from "../api/client";
import { followEvents, type LiveEvent } from "../api/events";
import { useI18n } from "../i18n";
import { ConsentScreen } from "./ConsentScreen";
import { answerDraftKey, InterviewRoomView, type LiveActivity } from "./InterviewRoomView";
import { useFrameSampler } from "./useFrameSampler";
import { useRecorder } from "./useRecorder";
import { useSpeech } from "./useSpeech";

const LONG_POLL_S = 20;
const READ_ALOUD_KEY = "interview.readAloud";

export function InterviewRoom({ interviewId }: { interviewId: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<InterviewState | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [devicesUnavailable, setDevicesUnavailable] = useState(false);
  const [deviceAttempt, setDeviceAttempt] = useState(0);
  const [activity, setActivity] = useState<LiveActivity>("idle");
  const [connected, setConnected] = useState(true);
  const [readAloud, setReadAloud] = useState(() => localStorage.getItem(READ_ALOUD_KEY) !== "off");
  const [uploadProgress, setUploadProgress] = useState<number | null>(null);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const answerKey = useRef<string | null>(null);
  const recorder = useRecorder(stream);

  const refresh = useCallback(
    () => api.state(interviewId).then(setState, (e: Error) => setLoadError(e.message)),
    [interviewId],
  );
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const started = state !== null && state.phase !== "not_started";
  const finished = state?.phase === "finished";
  const interview = state?.interview;
  const turnId = state?.current_turn?.id ?? null;
  const questionText = state?.current_turn?.question_text ?? null;

  // After a reload (or when the consent screen could not open them) the consent is already
  // given: open the devices it covers, again when the candidate asks to retry.
  const wantAudio = Boolean(interview?.consent_audio);
  const wantVideo = Boolean(interview?.consent_video);
  const active = started && !finished;
  useEffect(() => {
    setDevicesUnavailable(false);
    if (!active || stream || (!wantAudio && !wantVideo)) return;
    let cancelled = false;
    const request = navigator.mediaDevices?.getUserMedia({ audio: wantAudio, video: wantVideo ? { width: 640, height: 480 } : false });
    (request ?? Promise.reject(new Error("no media devices"))).then(
      (media) => (cancelled ? media.getTracks().forEach((track) => track.stop()) : setStream(media)),
      () => {
        if (!cancelled) setDevicesUnavailable(true);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [active, wantAudio, wantVideo, stream, deviceAttempt]);
  useEffect(() => () => stream?.getTracks().forEach((track) => track.stop()), [stream]);
  useEffect(() => {
    if (finished) stream?.getTracks().forEach((track) => track.stop());
  }, [finished, stream]);

  // Live events: status changes; the state stays the truth.
  useEffect(() => {
    if (!started || finished) return;
    const controller = new AbortController();
    const onEvent = (event: LiveEvent) => {
      if (event.type === "transcribing") setActivity("transcribing");
      else if (["subscribed", "transcribed", "transcription_failed", "question_ready", "interview_completed"].includes(event.type)) {
        void refresh();
      }
    };
    void followEvents(interviewId, onEvent, setConnected, controller.signal);
    return () => controller.abort();
  }, [interviewId, started, finished, refresh]);

  // Long-poll while the server works, so progress never depends on the event stream alone.
  const phase = state?.phase;
  useEffect(() => {
    if (phase !== "processing_answer" && phase !== "waiting_for_question") return;
    let cancelled = false;
    const poll = async () => {
      while (!cancelled) {
        try {
          const next = await api.state(interviewId, LONG_POLL_S);
          if (cancelled) return;
          setConnected(true);
          setState(next);
          if (next.phase !== phase || next.current_turn?.id !== turnId) return;
        } catch {
          setConnected(false);
          await new Promise((resolve) => setTimeout(resolve, 2000));
        }
      }
    };
    void poll();
    return () => {
      cancelled = true;
    };
  }, [interviewId, phase, turnId]);

  useEffect(() => {
    if (questionText) setActivity("idle");
  }, [questionText, turnId]);

  const { available: speechAvailable, speak, cancel: cancelSpeech } = useSpeech(interview?.language ?? "en");
  useEffect(() => {
    if (!readAloud || !questionText) return;
    speak(questionText);
    return cancelSpeech;
  }, [readAloud, questionText, speak, cancelSpeech]);

  useFrameSampler(interviewId, turnId, stream, Boolean(interview?.consent_video) && phase === "answering");

  const submit = async (send: (key: string) => Promise<{ state: InterviewState }>) => {
    answerKey.current ??= newIdempotencyKey("answer");
    setSubmitting(true);
    setSubmitError(null);
    try {
      const accepted = await send(answerKey.current);
      answerKey.current = null;
      if (turnId) localStorage.removeItem(answerDraftKey(interviewId, turnId));
      recorder.reset();
      setState(accepted.state);
    } catch (e) {
      setSubmitError((e as Error).message);
    } finally {
      setSubmitting(false);
      setUploadProgress(null);
    }
  };

  if (loadError) {
    return (
      <div className="notice error" role="alert">
        ✕ {loadError}{" "}
        <button type="button" onClick={() => void refresh()}>
          {t("retry")}
        </button>
      </div>
    );
  }
  if (!state) return <p>{t("loading")}</p>;
  if (state.phase === "not_started") {
    return (
      <ConsentScreen
        interviewId={interviewId}
        emotionOffered={state.emotion_analysis_enabled}
        maxResumeBytes={state.max_resume_upload_bytes}
        onStarted={(next, media) => {
          setStream(media);
          setState(next);
        }}
      />
    );
  }
  return (
    <InterviewRoomView
      state={state}
      activity={activity}
      connected={connected}
      readAloud={readAloud}
      onReadAloudChange={(on) => {
        localStorage.setItem(READ_ALOUD_KEY, on ? "on" : "off");
        setReadAloud(on);
      }}
      voiceAvailable={Boolean(state.interview.consent_audio && stream?.getAudioTracks().length)}
      recorder={recorder}
      uploadProgress={uploadProgress}
      submitError={submitError}
      submitting={submitting}
      onSubmitAudio={() => {
        const recording = recorder.recording;
        if (!recording || !turnId) return;
        setUploadProgress(0);
        void submit((key) => api.answerAudio(interviewId, turnId, recording, key, setUploadProgress));
      }}
      onSubmitText={(text) => turnId && void submit((key) => api.answerText(interviewId, turnId, { text, idempotency_key: key }))}
      camera={stream}
      devicesUnavailable={devicesUnavailable}
      onRetryDevices={() => setDeviceAttempt((n) => n + 1)}
      speechAvailable={speechAvailable}
      onReplayQuestion={() => questionText && speak(questionText)}
    />
  );
}
