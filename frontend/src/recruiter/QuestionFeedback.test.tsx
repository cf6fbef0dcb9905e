import { fireEvent, screen, within } from "@testing-library/react";
import type { QuestionFeedback as Saved, Schemas } from "../api/client";
import { renderPage, resetFakeApi, serve, settle } from "../test/fakeApi";
import { QuestionFeedback } from "./QuestionFeedback";
import { ReportView } from "./ReportPage";

const PATH = "/interviews/i/turns/t/question-feedback";

function saved(overrides: Partial<Saved> = {}): Saved {
  return {
    id: "f", interview_id: "i", turn_id: "t", verdict: "good", better_wording: null, question_text: "Tell me about it.",
    created_by: "u", updated_by: "u", created_at: "2026-03-01T00:00:00Z", updated_at: "2026-03-01T00:00:00Z",
    ...overrides,
  };
}

const sentBody = (fetchMock: ReturnType<typeof serve>, method: string) =>
  fetchMock.mock.calls.filter(([, init]) => init?.method === method).map(([, init]) => JSON.parse(String(init?.body)) as unknown);

afterEach(resetFakeApi);

test("Good question is saved for the turn and can be cleared", async () => {
  const fetchMock = serve({ [`PUT ${PATH}`]: { status: 200, body: saved() }, [`DELETE ${PATH}`]: { status: 204 } });
  await renderPage(<QuestionFeedback interviewId="i" turnId="t" number={2} current={null} />);
  const good = screen.getByRole("button", { name: "👍 Good question" });
  expect(good.getAttribute("aria-pressed")).toBe("false");
  fireEvent.click(good);
  await settle();
  expect(sentBody(fetchMock, "PUT")).toEqual([{ verdict: "good", better_wording: null }]);
  expect(good.getAttribute("aria-pressed")).toBe("true");
  expect(screen.getByTestId("question-feedback-status").textContent).toContain("Marked as a good question.");

  fireEvent.click(screen.getByRole("button", { name: "Clear" }));
  await settle();
  expect(fetchMock).toHaveBeenLastCalledWith(`/api/v1${PATH}`, expect.objectContaining({ method: "DELETE" }));
  expect(screen.queryByTestId("question-feedback-status")).toBeNull();
  expect(good.getAttribute("aria-pressed")).toBe("false");
});

test("a better wording on its own marks the question not for us, and is shown when it was saved before", async () => {
  const wording = "Which migration did you lead?";
  const fetchMock = serve({ [`PUT ${PATH}`]: { status: 200, body: saved({ verdict: "not_for_us", better_wording: wording }) } });
  await renderPage(<QuestionFeedback interviewId="i" turnId="t" number={2} current={null} />);
  const save = screen.getByRole("button", { name: "Save the wording" }) as HTMLButtonElement;
  expect(save.disabled).toBe(true);
  fireEvent.change(screen.getByLabelText("Better wording (optional)"), { target: { value: `  ${wording} ` } });
  fireEvent.click(save);
  await settle();
  expect(sentBody(fetchMock, "PUT")).toEqual([{ verdict: "not_for_us", better_wording: wording }]);
  expect(screen.getByRole("button", { name: "👎 Not for us" }).getAttribute("aria-pressed")).toBe("true");
  expect((screen.getByLabelText("Better wording (optional)") as HTMLTextAreaElement).value).toBe(wording);
});

test("the controls read in Korean, and a refusal shows the server's message", async () => {
  serve({ [`PUT ${PATH}`]: { status: 404, body: { detail: "This interview has no such question.", code: "turn-not-found" } } });
  await renderPage(<QuestionFeedback interviewId="i" turnId="t" number={2} current={saved({ verdict: "not_for_us", better_wording: "더 나은 질문" })} />, "ko");
  expect(screen.getByText("2번 질문에 대한 평가")).toBeTruthy();
  expect(screen.getByTestId("question-feedback-status").textContent).toContain("우리와 맞지 않는 질문으로 표시했습니다.");
  fireEvent.click(screen.getByRole("button", { name: "👍 좋은 질문" }));
  expect((await screen.findByRole("alert")).textContent).toContain("This interview has no such question.");
});

test("the report's transcript shows each generated question's saved verdict, and none on a template question", async () => {
  const turn = (id: string, stage_index: number, stage_key: string, stage_type: string): Schemas["TurnRead"] => ({
    id, stage_index, stage_key, stage_type, competency: null, question_text: "Tell me about it.", question_source: "bank", question_model_id: null,
    fallback_reason: null, answer_text: "An answer.", answer_kind: "text", answered_at: null, stt_status: "not_needed", stt_error: null, evaluation_status: "done",
  });
  const fetchMock = serve({});
  await renderPage(
    <ReportView
      interviewId="i"
      report={null}
      turns={[turn("intro", 0, "intro", "template"), turn("t", 1, "skill", "generated")]}
      error={null}
      onError={vi.fn()}
      onSaved={vi.fn()}
      feedback={{ interview_id: "i", questions: [saved()], scores: [] }}
    />,
  );
  const [intro, skill] = screen.getAllByTestId("transcript-turn");
  expect(within(intro).queryByTestId("question-feedback")).toBeNull();
  expect(within(skill).getByRole("button", { name: "👍 Good question" }).getAttribute("aria-pressed")).toBe("true");
  // The view itself fetches nothing: the page loads the feedback once.
  expect(fetchMock).not.toHaveBeenCalled();
});
