// Consent per modality in plain language, an optional résumé, then a device check before the
// first question.
import { useEffect, useRef, useState } from "react";
import { api, type Consent, type InterviewState } from "../api/client";
import { useI18n } from "../i18n";
import { DeviceProblem } from "./DeviceProblem";
import { ResumeUpload, type UploadedResume } from "./ResumeUpload";

export interface ConsentScreenProps {
  interviewId: string;
  /** Whether the organisation analyses facial expressions: only then is that consent asked. */
  emotionOffered: boolean;
  /** The largest résumé the server accepts (the interview state says). */
  maxResumeBytes: number;
  onStarted: (state: InterviewState, stream: MediaStream | null) => void;
}

export function ConsentScreen({ interviewId, emotionOffered, maxResumeBytes, onStarted }: ConsentScreenProps) {
  const { t } = useI18n();
  // Nothing is ticked for the candidate: consent is an active choice, and typing needs none.
  const [audio, setAudio] = useState(false);
  const [video, setVideo] = useState(false);
  const [emotion, setEmotion] = useState(false);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [deviceError, setDeviceError] = useState(false);
  const [deviceAttempt, setDeviceAttempt] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [resume, setResume] = useState<UploadedResume | null>(null);
  const [resumeUploading, setResumeUploading] = useState(false);
  const handedOver = useRef(false);

  useEffect(() => {
    setDeviceError(false);
    if (!audio && !video) return;
    let opened: MediaStream | null = null;
    let cancelled = false;
    const request = navigator.mediaDevices?.getUserMedia({ audio, video: video ? { width: 640, height: 480 } : false });
    // No mediaDevices at all (an insecure page, an old browser) is the same failure for the candidate.
    (request ?? Promise.reject(new Error("no media devices")))
      .then((media) => {
        if (cancelled) return media.getTracks().forEach((track) => track.stop());
        opened = media;
        setStream(media);
      })
      .catch(() => {
        if (!cancelled) setDeviceError(true);
      });
    return () => {
      cancelled = true;
      setStream(null);
      // The room opens its own stream; this one is handed over only when starting.
      if (opened && !handedOver.current) opened.getTracks().forEach((track) => track.stop());
    };
  }, [audio, video, deviceAttempt]);

  const start = async () => {
    setStarting(true);
    setError(null);
    try {
      const consent: Consent = { audio, video, emotion: emotionOffered && video && emotion };
      if (resume) consent.resume_id = resume.id;
      const state = await api.start(interviewId, consent);
      handedOver.current = true;
      onStarted(state, stream);
    } catch (e) {
      setError((e as Error).message);
      setStarting(false);
    }
  };

  return (
    <section className="consent" aria-labelledby="consent-title">
      <h1 id="consent-title">{t("consentTitle")}</h1>
      <p>{t("consentIntro")}</p>
      <fieldset>
        <legend className="visually-hidden">{t("consentTitle")}</legend>
        <label className="check">
          <input type="checkbox" name="consent-audio" checked={audio} onChange={(e) => setAudio(e.target.checked)} />
          <span>{t("consentAudio")}</span>
        </label>
        <label className="check">
          <input type="checkbox" name="consent-video" checked={video} onChange={(e) => setVideo(e.target.checked)} />
          <span>{t("consentVideo")}</span>
        </label>
        {emotionOffered && (
          <label className="check">
            <input type="checkbox" name="consent-emotion" checked={video && emotion} disabled={!video} onChange={(e) => setEmotion(e.target.checked)} />
            <span>{t("consentEmotion")}</span>
          </label>
        )}
      </fieldset>
      <ResumeUpload maxBytes={maxResumeBytes} resume={resume} onChange={setResume} onUploadingChange={setResumeUploading} />
      <h2>{t("deviceCheck")}</h2>
      <div className="device-grid">
        <CameraPreview stream={video ? stream : null} unavailable={video && deviceError} />
        <div className="device-side">
          <MicrophoneMeter stream={audio ? stream : null} unavailable={audio && deviceError} />
          <NetworkCheck />
        </div>
      </div>
      {deviceError && <DeviceProblem onRetry={() => setDeviceAttempt((n) => n + 1)} />}
      {error && (
        <p className="notice error" role="alert">
          ✕ {error}
        </p>
      )}
      {/* Not while a résumé is on its way: the interview would start without it. */}
      <button type="button" className="primary large" disabled={starting || resumeUploading} onClick={start}>
        {starting ? t("working") : t("startInterview")}
      </button>
    </section>
  );
}

export function CameraPreview({ stream, unavailable = false }: { stream: MediaStream | null; unavailable?: boolean }) {
  const { t } = useI18n();
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.srcObject = stream?.getVideoTracks().length ? stream : null;
  }, [stream]);
  return (
    <figure className="camera">
      {stream?.getVideoTracks().length ? <video ref={ref} autoPlay muted playsInline aria-label={t("cameraPreview")} /> : <div className="camera-off">{unavailable ? t("cameraUnavailable") : t("cameraOff")}</div>}
      <figcaption>{t("cameraPreview")}</figcaption>
    </figure>
  );
}

function MicrophoneMeter({ stream, unavailable }: { stream: MediaStream | null; unavailable: boolean }) {
  const { t } = useI18n();
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!stream?.getAudioTracks().length) return;
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    const timer = window.setInterval(() => {
      analyser.getByteTimeDomainData(samples);
      const peak = samples.reduce((max, v) => Math.max(max, Math.abs(v - 128)), 0);
      setLevel(Math.min(1, peak / 64));
    }, 100);
    return () => {
      window.clearInterval(timer);
      void context.close();
    };
  }, [stream]);
  const on = Boolean(stream?.getAudioTracks().length);
  return (
    <div className="meter-row">
      <label htmlFor="mic-level">{t("microphoneLevel")}</label>
      {on ? <meter id="mic-level" min={0} max={1} low={0.05} optimum={0.5} value={level} /> : <p>{unavailable ? t("microphoneUnavailable") : t("microphoneOff")}</p>}
    </div>
  );
}

function NetworkCheck() {
  const { t } = useI18n();
  const [latency, setLatency] = useState<number | null | "failed">(null);
  useEffect(() => {
    const started = performance.now();
    fetch("/healthz", { cache: "no-store" })
      .then((r) => setLatency(r.ok ? Math.round(performance.now() - started) : "failed"))
      .catch(() => setLatency("failed"));
  }, []);
  return (
    <div className="meter-row" role="status">
      <span>{t("networkCheck")}: </span>
      {latency === null ? t("loading") : latency === "failed" ? `✕ ${t("networkBad")}` : `✓ ${t("networkOk", { ms: latency })}`}
    </div>
  );
}
