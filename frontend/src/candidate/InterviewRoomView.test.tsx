import { fireEvent, render, screen } from "@testing-library/react";
import type { InterviewState, Turn } from "../api/client";
import { I18nProvider } from "../i18n";
import { InterviewRoomView, type InterviewRoomViewProps } from "./InterviewRoomView";

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
    current_turn: phase === "finished" ? null : { ...turn, ...changes },
    interview: {
      id: "i1", organisation_id: "o1", job_id: "j1", candidate_id: "c1", candidate_email: "c@example.com", status,
      language: "en", scenario_key: "short", scenario_version: 1, current_stage_index: 1, stage_count: 5,
      consent_audio: true, consent_video: true, consent_emotion: false, created_at: "2026-01-01T00:00:00Z",
      started_at: "2026-01-01T00:00:00Z", completed_at: null,
    },
  };
}

function renderRoom(overrides: Partial<InterviewRoomViewProps> = {}) {
  const props: InterviewRoomViewProps = {
    state: stateWith("answering"), activity: "idle", connected: true, readAloud: true,
    onReadAloudChange: vi.fn(), voiceAvailable: true,
    recorder: { status: "idle", elapsedS: 0, playbackUrl: null, error: null, start: vi.fn(), stop: vi.fn(), reset: vi.fn() },
    uploadProgress: null, submitError: null, submitting: false, onSubmitAudio: vi.fn(), onSubmitText: vi.fn(),
    ...overrides,
  };
  render(
    <I18nProvider language="en">
      <InterviewRoomView {...props} />
    </I18nProvider>,
  );
  return props;
}

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

  it("says in words when transcription failed and switches to typing", () => {
    renderRoom({ state: stateWith("answering", { stt_status: "failed", stt_error: "no speech detected" }) });
    expect(screen.getByRole("alert").textContent).toContain("no speech detected");
    expect(screen.getByLabelText("Your answer")).toBeTruthy();
    expect((screen.getByRole("button", { name: /Answer by voice/ }) as HTMLButtonElement).disabled).toBe(true);
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
