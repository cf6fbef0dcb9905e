import { fireEvent, render, screen } from "@testing-library/react";
import type { InterviewState, Turn } from "../api/client";
import { I18nProvider, type Language } from "../i18n";
import { answerDraftKey, InterviewRoomView, type InterviewRoomViewProps } from "./InterviewRoomView";

const turn: Turn = {
  id: "t1", stage_index: 1, stage_key: "skill", stage_type: "generated", competency: "job_skill",
  question_text: "How do you design a reliable queue consumer?", question_source: "llm", question_model_id: null,
  fallback_reason: null, answer_text: null, answer_kind: null, answered_at: null,
  stt_status: "not_needed", stt_error: null, evaluation_status: "not_needed",
};

function stateWith(phase: InterviewState["phase"], changes: Partial<Turn> = {}, status: InterviewState["interview"]["status"] = "in_progress"): InterviewState {
  return {
    phase,
    answered_turns: 1,
    emotion_analysis_enabled: false,
    max_resume_upload_bytes: 5 * 1024 * 1024,
    current_turn: phase === "finished" ? null : { ...turn, ...changes },
    interview: {
      id: "i1", organisation_id: "o1", job_id: "j1", candidate_id: "c1", candidate_email: "c@example.com", status,
      language: "en", scenario_key: "short", scenario_version: 1, current_stage_index: 1, stage_count: 5,
      consent_audio: true, consent_video: true, consent_emotion: false, created_at: "2026-01-01T00:00:00Z",
      started_at: "2026-01-01T00:00:00Z", completed_at: null,
    },
  };
}

const recorderIn = (status: InterviewRoomViewProps["recorder"]["status"]): InterviewRoomViewProps["recorder"] => ({
  status, elapsedS: 3, playbackUrl: status === "recorded" ? "blob:x" : null, error: null, start: vi.fn(), stop: vi.fn(), reset: vi.fn(),
});

const cameraStream = () => ({ getVideoTracks: () => [{ kind: "video" }], getAudioTracks: () => [{ kind: "audio" }] }) as unknown as MediaStream;

function renderRoom(overrides: Partial<InterviewRoomViewProps> = {}, language: Language = "en") {
  const props: InterviewRoomViewProps = {
    state: stateWith("answering"), activity: "idle", connected: true, readAloud: true,
    onReadAloudChange: vi.fn(), voiceAvailable: true,
    recorder: { status: "idle", elapsedS: 0, playbackUrl: null, error: null, start: vi.fn(), stop: vi.fn(), reset: vi.fn() },
    uploadProgress: null, submitError: null, submitting: false, onSubmitAudio: vi.fn(), onSubmitText: vi.fn(),
    camera: null, devicesUnavailable: false, onRetryDevices: vi.fn(), speechAvailable: true, onReplayQuestion: vi.fn(),
    ...overrides,
  };
  const view = (next: InterviewRoomViewProps) => (
    <I18nProvider language={language}>
      <InterviewRoomView {...next} />
    </I18nProvider>
  );
  const { rerender } = render(view(props));
  return Object.assign(props, { rerender: (changes: Partial<InterviewRoomViewProps>) => rerender(view({ ...props, ...changes })) });
}

afterEach(() => localStorage.clear());

describe("InterviewRoomView", () => {
  it("shows the question as text with stage progress and a record button", () => {
    const props = renderRoom();
    expect(screen.getByTestId("question-text").textContent).toBe(turn.question_text);
    expect(screen.getByText("Question 2 of 5")).toBeTruthy();
    expect((screen.getByRole("progressbar") as HTMLProgressElement).value).toBe(1);
    fireEvent.click(screen.getByRole("button", { name: /Start recording/ }));
    expect(props.recorder.start).toHaveBeenCalled();
  });

  it("shows a running timer and a stop button while recording", () => {
    const props = renderRoom({ recorder: { status: "recording", elapsedS: 75, playbackUrl: null, error: null, start: vi.fn(), stop: vi.fn(), reset: vi.fn() } });
    expect(screen.getByRole("timer").textContent).toContain("1:15");
    fireEvent.click(screen.getByRole("button", { name: /Stop recording/ }));
    expect(props.recorder.stop).toHaveBeenCalled();
  });

  it("offers re-recording and submission of a finished recording, with upload progress", () => {
    const props = renderRoom({
      recorder: { status: "recorded", elapsedS: 12, playbackUrl: "blob:x", error: null, start: vi.fn(), stop: vi.fn(), reset: vi.fn() },
      uploadProgress: 0.4,
    });
    expect(screen.getByText("Uploading 40%")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: /Record again/ }));
    expect(props.recorder.start).toHaveBeenCalled();
    fireEvent.click(screen.getByRole("button", { name: "Submit answer" }));
    expect(props.onSubmitAudio).toHaveBeenCalled();
  });

  it("submits a typed answer", () => {
    const props = renderRoom({ voiceAvailable: false });
    fireEvent.change(screen.getByLabelText("Your answer"), { target: { value: "  I would use acks late.  " } });
    fireEvent.click(screen.getByRole("button", { name: "Submit answer" }));
    expect(props.onSubmitText).toHaveBeenCalledWith("I would use acks late.");
  });

  it("shows the typed answer's limit and how much is used before it is reached", () => {
    renderRoom({ voiceAvailable: false });
    const box = screen.getByLabelText<HTMLTextAreaElement>("Your answer");
    expect(box.maxLength).toBe(20000);
    expect(screen.getByText("0 / 20,000 characters")).toBeTruthy();
    fireEvent.change(box, { target: { value: "x".repeat(18500) } });
    const counter = screen.getByText("18,500 / 20,000 characters");
    // Read with the field, and marked once nine tenths are used.
    expect(box.getAttribute("aria-describedby")).toBe(counter.id);
    expect(counter.classList.contains("near-limit")).toBe(true);
  });

  it("says why transcription failed in the candidate's words and lets them record again", () => {
    const failed = stateWith("answering", { stt_status: "failed", stt_error: "no_speech: No speech was recognised." });
    const props = renderRoom({ state: failed });
    expect(screen.getByRole("alert").textContent).toContain("No speech was recognised in your recording. Please record your answer again");
    expect((screen.getByRole("button", { name: /Answer by voice/ }) as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(screen.getByRole("button", { name: /Start recording/ }));
    expect(props.recorder.start).toHaveBeenCalled();
  });

  it("gives the transcription failure reason in Korean", () => {
    renderRoom({ state: stateWith("answering", { stt_status: "failed", stt_error: "silent_audio: The recording is silent." }) }, "ko");
    expect(screen.getByRole("alert").textContent).toContain("녹음에 소리가 없습니다. 마이크를 확인해 주세요.");
    expect(screen.getByRole("button", { name: /녹음 시작/ })).toBeTruthy();
  });

  it("names a technical transcription failure without the worker's English text", () => {
    renderRoom({ state: stateWith("answering", { stt_status: "failed", stt_error: "transcription ran past its time limit" }) });
    expect(screen.getByRole("alert").textContent).toContain("A technical problem stopped your recording");
    expect(screen.getByRole("alert").textContent).not.toContain("time limit");
  });

  it("shows a muted camera self-view and a recording status while camera and microphone record", () => {
    const camera = cameraStream();
    const props = renderRoom({ camera, recorder: recorderIn("recording") });
    const video = screen.getByLabelText("Your camera") as HTMLVideoElement;
    expect(video.tagName).toBe("VIDEO");
    expect(video.muted).toBe(true);
    expect(video.srcObject).toBe(camera);
    const status = screen.getAllByRole("status").find((node) => node.classList.contains("recording-status"));
    expect(status?.textContent).toContain("Recording: camera and microphone");
    expect(status?.querySelector(".rec-dot")).toBeTruthy();
    props.rerender({ recorder: recorderIn("recorded") });
    expect(status?.textContent).toContain("Recording: camera");
    expect(status?.textContent).not.toContain("microphone");
  });

  it("shows no self-view or camera recording without video consent", () => {
    const state = stateWith("answering");
    state.interview.consent_video = false;
    renderRoom({ state, camera: cameraStream(), recorder: recorderIn("recording") });
    expect(screen.queryByLabelText("Your camera")).toBeNull();
    expect(screen.getByText("Recording: microphone")).toBeTruthy();
  });

  it("says plainly when allowed devices could not be opened and offers to try again", () => {
    const props = renderRoom({ devicesUnavailable: true, voiceAvailable: false });
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("could not be opened, although you allowed it");
    expect(alert.textContent).toContain("browser lets this site use the camera and microphone");
    expect(screen.queryByText(/Camera not used/)).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(props.onRetryDevices).toHaveBeenCalled();
  });

  it("says when questions cannot be read aloud", () => {
    renderRoom({ speechAvailable: false });
    expect(screen.getByText(/Questions are not read aloud/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: /Replay question/ })).toBeNull();
    expect(screen.queryByLabelText("Read questions aloud")).toBeNull();
  });

  it("replays the question when it can be read aloud", () => {
    const props = renderRoom({ speechAvailable: true });
    expect(screen.queryByText(/Questions are not read aloud/)).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: /Replay question/ }));
    expect(props.onReplayQuestion).toHaveBeenCalled();
  });

  it("restores a half-typed answer and keeps what is typed", () => {
    localStorage.setItem(answerDraftKey("i1", "t1"), "I would start with");
    renderRoom();
    const answer = screen.getByLabelText("Your answer") as HTMLTextAreaElement;
    expect(answer.value).toBe("I would start with");
    fireEvent.change(answer, { target: { value: "I would start with idempotent handlers" } });
    expect(localStorage.getItem(answerDraftKey("i1", "t1"))).toBe("I would start with idempotent handlers");
    fireEvent.change(answer, { target: { value: "" } });
    expect(localStorage.getItem(answerDraftKey("i1", "t1"))).toBeNull();
  });

  it("moves focus to the question when it arrives and after starting or stopping a recording", () => {
    const props = renderRoom();
    const heading = screen.getByRole("heading", { name: turn.question_text ?? "" });
    expect(heading.tabIndex).toBe(-1);
    expect(document.activeElement).toBe(heading);
    screen.getByRole("button", { name: /Start recording/ }).focus();
    props.rerender({ recorder: recorderIn("recording") });
    expect(document.activeElement).toBe(heading);
    screen.getByRole("button", { name: /Stop recording/ }).focus();
    props.rerender({ recorder: recorderIn("recorded") });
    expect(document.activeElement).toBe(heading);
    screen.getByRole("button", { name: /Record again/ }).focus();
    props.rerender({ state: stateWith("answering", { id: "t2", question_text: "What would you monitor?" }), recorder: recorderIn("idle") });
    expect(document.activeElement).toBe(screen.getByRole("heading", { name: "What would you monitor?" }));
  });

  it("shows transcription while the answer is processed", () => {
    renderRoom({ state: stateWith("processing_answer") });
    expect(screen.getByText(/Transcribing your answer/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Submit answer" })).toBeNull();
  });

  it("shows only a waiting state, never a draft, while the next question is prepared", () => {
    renderRoom({ state: stateWith("waiting_for_question", { question_text: null }) });
    expect(screen.getByText(/Preparing the next question/)).toBeTruthy();
    expect(screen.queryByTestId("question-text")).toBeNull();
    expect(screen.queryByRole("button", { name: "Submit answer" })).toBeNull();
  });

  it("warns while reconnecting and keeps the question", () => {
    renderRoom({ connected: false });
    expect(screen.getByText(/reconnecting/)).toBeTruthy();
    expect(screen.getByTestId("question-text")).toBeTruthy();
  });

  it("shows a submission error with the answer still available", () => {
    renderRoom({ submitError: "Audio larger than 25 bytes." });
    expect(screen.getByRole("alert").textContent).toContain("Audio larger than 25 bytes.");
    expect(screen.getByRole("button", { name: /Start recording/ })).toBeTruthy();
  });

  it("ends with a clear end screen", () => {
    renderRoom({ state: stateWith("finished", {}, "completed") });
    expect(screen.getByRole("heading", { name: /interview is complete/ })).toBeTruthy();
  });

  it("toggles reading aloud", () => {
    const props = renderRoom();
    fireEvent.click(screen.getByLabelText("Read questions aloud"));
    expect(props.onReadAloudChange).toHaveBeenCalledWith(false);
  });
});
