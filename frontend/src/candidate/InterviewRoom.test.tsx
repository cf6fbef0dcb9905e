import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { InterviewState } from "../api/client";
import { I18nProvider } from "../i18n";
import { InterviewRoom } from "./InterviewRoom";
import { answerDraftKey } from "./InterviewRoomView";

const { api } = vi.hoisted(() => ({ api: { state: vi.fn(), answerText: vi.fn(), answerAudio: vi.fn(), start: vi.fn() } }));
vi.mock("../api/client", () => ({ api, newIdempotencyKey: (prefix: string) => `${prefix}-key-1` }));
vi.mock("../api/events", () => ({ followEvents: () => new Promise(() => undefined) }));
// Frame sampling needs a real camera; the room's own behaviour is what is tested here.
vi.mock("./useFrameSampler", () => ({ useFrameSampler: () => undefined }));

function answering(consent: boolean, phase: InterviewState["phase"] = "answering"): InterviewState {
  return {
    phase,
    answered_turns: 0,
    emotion_analysis_enabled: false,
    max_resume_upload_bytes: 5 * 1024 * 1024,
    current_turn: {
      id: "t1", stage_index: 0, stage_key: "intro", stage_type: "common", competency: null,
      question_text: "Tell us about a service you ran.", question_source: "bank", question_model_id: null,
      fallback_reason: null, answer_text: null, answer_kind: null, answered_at: null,
      stt_status: "not_needed", stt_error: null, evaluation_status: "not_needed",
    },
    interview: {
      id: "i1", organisation_id: "o1", job_id: "j1", candidate_id: "c1", candidate_email: "c@example.com",
      status: "in_progress", language: "en", scenario_key: "short", scenario_version: 1, current_stage_index: 0,
      stage_count: 3, consent_audio: consent, consent_video: consent, consent_emotion: false,
      created_at: "2026-01-01T00:00:00Z", started_at: "2026-01-01T00:00:00Z", completed_at: null,
    },
  };
}

const renderRoom = () =>
  render(
    <I18nProvider language="en">
      <InterviewRoom interviewId="i1" />
    </I18nProvider>,
  );

beforeEach(() => {
  api.state.mockReset().mockResolvedValue(answering(false));
  api.answerText.mockReset();
});
afterEach(() => {
  localStorage.clear();
  Reflect.deleteProperty(navigator, "mediaDevices");
  Reflect.deleteProperty(window, "speechSynthesis");
  vi.unstubAllGlobals();
});

test("a half-typed answer survives a reload and is cleared once submitted", async () => {
  const first = renderRoom();
  fireEvent.change(await screen.findByLabelText("Your answer"), { target: { value: "I ran a billing service" } });
  first.unmount();

  renderRoom();
  const restored = (await screen.findByLabelText("Your answer")) as HTMLTextAreaElement;
  expect(restored.value).toBe("I ran a billing service");
  api.answerText.mockResolvedValue({ state: answering(false, "waiting_for_question") });
  fireEvent.click(screen.getByRole("button", { name: "Submit answer" }));
  await waitFor(() => expect(localStorage.getItem(answerDraftKey("i1", "t1"))).toBeNull());
  expect(api.answerText).toHaveBeenCalledWith("i1", "t1", { text: "I ran a billing service", idempotency_key: "answer-key-1" });
});

test("devices that could not be opened are requested again on Try again", async () => {
  api.state.mockResolvedValue(answering(true));
  const stream = { getVideoTracks: () => [{}], getAudioTracks: () => [{}], getTracks: () => [{ stop: vi.fn() }] } as unknown as MediaStream;
  const getUserMedia = vi.fn().mockRejectedValueOnce(new DOMException("Permission denied", "NotAllowedError")).mockResolvedValueOnce(stream);
  Object.defineProperty(navigator, "mediaDevices", { value: { getUserMedia }, configurable: true });
  renderRoom();
  expect((await screen.findByRole("alert")).textContent).toContain("could not be opened");
  fireEvent.click(screen.getByRole("button", { name: "Try again" }));
  expect(await screen.findByLabelText("Your camera")).toBeTruthy();
  expect(screen.queryByRole("alert")).toBeNull();
  expect(getUserMedia).toHaveBeenCalledTimes(2);
  expect(screen.getByText("Recording: camera")).toBeTruthy();
});

test("the question is read aloud and can be replayed when the browser has a voice", async () => {
  const speak = vi.fn();
  const voices = [{ lang: "en-US", name: "English", voiceURI: "en" }];
  Object.defineProperty(window, "speechSynthesis", {
    value: Object.assign(new EventTarget(), { getVoices: () => voices, speak, cancel: vi.fn() }),
    configurable: true,
  });
  vi.stubGlobal("SpeechSynthesisUtterance", class { constructor(readonly text: string) {} });
  renderRoom();
  // Generous waits: on a loaded machine the room's first render and its first reading can
  // take longer than the default second.
  const replay = await screen.findByRole("button", { name: /Replay question/ }, { timeout: 10_000 });
  await waitFor(() => expect(speak).toHaveBeenCalledTimes(1), { timeout: 10_000 });
  fireEvent.click(replay);
  expect(speak).toHaveBeenCalledTimes(2);
  expect(speak.mock.calls.map(([utterance]) => (utterance as { text: string }).text)).toEqual([
    "Tell us about a service you ran.",
    "Tell us about a service you ran.",
  ]);
}, 30_000);

test("without a voice the room says questions are not read aloud", async () => {
  renderRoom();
  expect(await screen.findByText(/Questions are not read aloud/)).toBeTruthy();
  expect(screen.queryByRole("button", { name: /Replay question/ })).toBeNull();
});
