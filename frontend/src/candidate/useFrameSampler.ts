// Camera frames sampled in the background and sent in small batches (video consent only).
import { useEffect } from "react";
import { api } from "../api/client";

const FRAME_INTERVAL_MS = 1000;
const BATCH_SIZE = 5;
const FRAME_WIDTH = 320;

export function useFrameSampler(
  interviewId: string,
  turnId: string | null,
  stream: MediaStream | null,
  enabled: boolean,
): void {
  useEffect(() => {
    const track = stream?.getVideoTracks()[0];
    if (!enabled || !turnId || !track) return;
    const video = document.createElement("video");
    video.muted = true;
    video.srcObject = new MediaStream([track]);
    void video.play().catch(() => undefined);
    const canvas = document.createElement("canvas");
    const startedAt = performance.now();
    let sequence = 0;
    let batch: { sequence: number; seconds: number; jpeg: Blob }[] = [];
    const flush = () => {
      if (batch.length === 0) return;
      const sending = batch;
      batch = [];
      // Frames are best effort: a lost batch must never interrupt the candidate.
      api.uploadFrames(interviewId, turnId, sending).catch(() => undefined);
    };
    const timer = window.setInterval(() => {
      if (video.videoWidth === 0) return;
      canvas.width = FRAME_WIDTH;
      canvas.height = Math.round((video.videoHeight / video.videoWidth) * FRAME_WIDTH);
      canvas.getContext("2d")?.drawImage(video, 0, 0, canvas.width, canvas.height);
      const seconds = (performance.now() - startedAt) / 1000;
      const number = sequence++;
      canvas.toBlob(
        (jpeg) => {
          if (!jpeg) return;
          batch.push({ sequence: number, seconds, jpeg });
          if (batch.length >= BATCH_SIZE) flush();
        },
        "image/jpeg",
        0.7,
      );
    }, FRAME_INTERVAL_MS);
    return () => {
      window.clearInterval(timer);
      flush();
      video.srcObject = null;
    };
  }, [interviewId, turnId, stream, enabled]);
}
