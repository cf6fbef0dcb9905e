// Voice answers: MediaRecorder with a visible timer and re-recording before submission.
import { useCallback, useEffect, useRef, useState } from "react";

export type RecorderStatus = "idle" | "recording" | "recorded";

export interface Recorder {
  status: RecorderStatus;
  elapsedS: number;
  recording: Blob | null;
  playbackUrl: string | null;
  error: string | null;
  start: () => void;
  stop: () => void;
  reset: () => void;
}

function preferredMimeType(): string {
  const candidates = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];
  return candidates.find((type) => MediaRecorder.isTypeSupported(type)) ?? "";
}

export function useRecorder(stream: MediaStream | null): Recorder {
  const [status, setStatus] = useState<RecorderStatus>("idle");
  const [elapsedS, setElapsedS] = useState(0);
  const [recording, setRecording] = useState<Blob | null>(null);
  const [playbackUrl, setPlaybackUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const recorderRef = useRef<MediaRecorder | null>(null);
  const timerRef = useRef<number | undefined>(undefined);

  const reset = useCallback(() => {
    setRecording(null);
    setPlaybackUrl((url) => {
      if (url) URL.revokeObjectURL(url);
      return null;
    });
    setElapsedS(0);
    setStatus("idle");
  }, []);

  const start = useCallback(() => {
    const audioTracks = stream?.getAudioTracks() ?? [];
    if (audioTracks.length === 0) {
      setError("no microphone");
      return;
    }
    reset();
    setError(null);
    const recorder = new MediaRecorder(new MediaStream(audioTracks), { mimeType: preferredMimeType() || undefined });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (event) => event.data.size > 0 && chunks.push(event.data);
    recorder.onstop = () => {
      const blob = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
      setRecording(blob);
      setPlaybackUrl(URL.createObjectURL(blob));
      setStatus("recorded");
    };
    recorder.onerror = () => setError("recorder error");
    recorder.start(1000);
    recorderRef.current = recorder;
    const startedAt = performance.now();
    timerRef.current = window.setInterval(() => setElapsedS(Math.floor((performance.now() - startedAt) / 1000)), 250);
    setStatus("recording");
  }, [stream, reset]);

  const stop = useCallback(() => {
    window.clearInterval(timerRef.current);
    if (recorderRef.current?.state === "recording") recorderRef.current.stop();
  }, []);

  useEffect(() => () => window.clearInterval(timerRef.current), []);

  return { status, elapsedS, recording, playbackUrl, error, start, stop, reset };
}
