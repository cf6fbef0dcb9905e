import { fireEvent, screen } from "@testing-library/react";
import type { ScoreFeedback as Saved } from "../api/client";
import { renderPage, resetFakeApi, serve, settle } from "../test/fakeApi";
import { ScoreFeedback, shownScore } from "./ScoreFeedback";

const PATH = "/interviews/i/turns/t/score-feedback/job_skill";

function saved(overrides: Partial<Saved> = {}): Saved {
  return {
    id: "s", interview_id: "i", turn_id: "t", competency: "job_skill", ai_score: 4, verdict: "confirmed", corrected_score: null, note: null,
    created_by: "u", created_at: "2026-03-01T00:00:00Z", updated_at: "2026-03-01T00:00:00Z",
    ...overrides,
  };
}

const puts = (fetchMock: ReturnType<typeof serve>) =>
  fetchMock.mock.calls.filter(([, init]) => init?.method === "PUT").map(([url, init]) => [String(url), JSON.parse(String(init?.body))] as const);

afterEach(resetFakeApi);

test("the score to confirm is the report's mean as a whole number, half rounding up", () => {
  expect([shownScore(4.5), shownScore(4.49), shownScore(3), shownScore(null)]).toEqual([5, 4, 3, null]);
});

test("Confirm records the score the report shows", async () => {
  const fetchMock = serve({ [`PUT ${PATH}`]: { status: 200, body: saved() } });
  await renderPage(<ScoreFeedback interviewId="i" turnId="t" competency="job_skill" competencyName="Job skills" meanScore={4.2} current={null} />);
  fireEvent.click(screen.getByRole("button", { name: "✓ Confirm 4" }));
  await settle();
  expect(puts(fetchMock)).toEqual([[`/api/v1${PATH}`, { verdict: "confirmed" }]]);
  expect(screen.getByTestId("score-feedback-status").textContent).toContain("Confirmed: 4");
});

test("without a number shown only a correction is offered, to the score chosen", async () => {
  const fetchMock = serve({ [`PUT ${PATH}`]: { status: 200, body: saved({ ai_score: null, verdict: "corrected", corrected_score: 2 }) } });
  await renderPage(<ScoreFeedback interviewId="i" turnId="t" competency="job_skill" competencyName="Job skills" meanScore={null} current={null} />);
  expect(screen.queryByRole("button", { name: /Confirm/ })).toBeNull();
  fireEvent.change(screen.getByLabelText("Correct to"), { target: { value: "2" } });
  fireEvent.click(screen.getByRole("button", { name: "Correct to 2" }));
  await settle();
  expect(puts(fetchMock)).toEqual([[`/api/v1${PATH}`, { verdict: "corrected", corrected_score: 2 }]]);
  expect(screen.getByTestId("score-feedback-status").textContent).toContain("Corrected to 2");
});

test("a saved correction is shown in Korean and a refusal names the problem", async () => {
  serve({ [`PUT ${PATH}`]: { status: 422, body: { detail: "This answer was not scored on 'job_skill'.", code: "competency-not-scored", errors: [{ loc: ["path", "competency"], msg: "the answer was not scored on this competency", type: "not_scored" }] } } });
  await renderPage(<ScoreFeedback interviewId="i" turnId="t" competency="job_skill" competencyName="직무 역량" meanScore={4} current={saved({ verdict: "corrected", corrected_score: 3 })} />, "ko");
  expect(screen.getByTestId("score-feedback-status").textContent).toContain("3점으로 수정함");
  expect((screen.getByLabelText("수정할 점수") as HTMLSelectElement).value).toBe("3");
  fireEvent.click(screen.getByRole("button", { name: "✓ 4점 확인" }));
  expect((await screen.findByRole("alert")).textContent).toContain("This answer was not scored on 'job_skill'.");
});
