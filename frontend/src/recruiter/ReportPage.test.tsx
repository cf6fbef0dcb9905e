import { fireEvent, render, screen } from "@testing-library/react";
import type { Report, ReportContent, Schemas } from "../api/client";
import { I18nProvider } from "../i18n";
import { ReportView } from "./ReportPage";

const TURN = "00000000-0000-0000-0000-000000000001";
const QUOTE = "I profiled the slow queries";

function answer(overrides: Partial<Schemas["AnswerScore"]> = {}): Schemas["AnswerScore"] {
  return {
    turn_id: TURN, stage_key: "skill", stage_index: 1, state: "scored", runs: 1, run_scores: [4], mean_score: 4, spread: 0,
    disagreement: false, evidence: [QUOTE], rationale: "A specific migration with a measured result.",
    checks: [{ check: "specific", met: true, quotes: [QUOTE] }], review_flags: [], evaluator: "llm", validated: true,
    ...overrides,
  };
}

function competency(overrides: Partial<Schemas["CompetencyResult"]> = {}): Schemas["CompetencyResult"] {
  return {
    key: "job_skill", name: "Job skills", description: "", weight: 3, state: "scored", probed: true, score: 4,
    reason: "A specific migration with a measured result.", answers: [answer()],
    evidence: [{ quote: QUOTE, turn_id: TURN, stage_key: "skill", stage_index: 1 }],
    checks: [
      { check: "specific", met: true, evidence: [{ quote: QUOTE, turn_id: TURN, stage_key: "skill", stage_index: 1 }] },
      { check: "measured", met: false, evidence: [] },
    ],
    ...overrides,
  };
}

function content(overrides: Partial<ReportContent> = {}): ReportContent {
  return {
    interview_id: "i", job_id: "j", job_title: "Backend engineer", candidate_email: "c@example.test", language: "en",
    interview_status: "completed", completed_at: null,
    scoring: { state: "validated", statement: "The scores come from a validated configuration.", evaluators: ["llm"], model_ids: ["m"], methods: ["checks"], prompt_versions: ["v1"], not_model_evaluated: 0 },
    competencies: [
      competency(),
      competency({ key: "growth", name: "Growth", weight: 1, state: "not_probed", probed: false, score: null, reason: "Not probed by this interview: no stage asked about it.", answers: [], evidence: [], checks: [] }),
    ],
    weighted_score: 4, coverage: 1, strengths: [], areas_to_improve: [],
    communication: { spoken_turns: 0, words: 0, speech_duration_s: 0, words_per_minute: null, pause_count: 0, longest_pause_s: null, filler_count: 0, fillers_per_minute: null, turns: [] },
    integrity_flags: [], human_review: [],
    observations: { gaze_included: false, emotion_included: false, notes: [], notice: "Observations are never scored.", turns: [] },
    missing: [], reliability: { evaluation_runs: 1, disagreement_threshold: 2, disagreements: [], max_spread: 0, quotes_not_found: 0 },
    recommendation: "advance", recommendation_reason: "Weighted score 4.00 of 5.",
    provenance: { evaluators: ["llm"], model_ids: ["m"], prompt_versions: ["v1"], scenario_key: "short", scenario_version: 1, rubric_version: "r", assembly_version: 2 },
    ...overrides,
  };
}

function renderReport(reportContent: ReportContent, resume: Report["resume"] = null) {
  const report: Report = {
    id: "r", interview_id: "i", status: "ready", generated_at: null, error: null, share_candidate_summary: false,
    content: reportContent, decision: null, decision_history: [], resume,
  };
  const turns = [{ id: TURN, stage_index: 1, stage_key: "skill", stage_type: "generated", competency: "job_skill", question_text: "Tell me about it.", question_source: "bank", question_model_id: null, fallback_reason: null, answer_text: `${QUOTE} and cut the run to forty minutes.`, answer_kind: "text", answered_at: null, stt_status: "not_needed", stt_error: null, evaluation_status: "done" }] as const;
  render(
    <I18nProvider language="en">
      <ReportView interviewId="i" report={report} turns={[...turns]} error={null} onError={vi.fn()} onSaved={vi.fn()} />
    </I18nProvider>,
  );
}

test("a validated report shows scores, states, checks with quotes and the recommendation", () => {
  renderReport(content());
  expect(screen.getByTestId("scoring").textContent).toContain("validated evaluator, scores shown");
  expect(screen.getByTestId("overall-score").textContent).toBe("4.0");
  expect(screen.getByTestId("competency-state").textContent).toBe("Not probed by this interview");
  const checks = screen.getAllByTestId("check").map((c) => c.textContent);
  expect(checks).toEqual([`Specific example: yes — “${QUOTE}” (skill)`, "Measured result: no"]);
  expect(screen.getByTestId("recommendation").textContent).toBe("Advance");
  expect(screen.queryByTestId("human-review")).toBeNull();
  expect(document.querySelector("mark")?.textContent).toBe(QUOTE);
});

test("an unvalidated report says so plainly, shows no numbers and no recommendation", () => {
  renderReport(
    content({
      scoring: { state: "not_validated", statement: "This evaluator configuration did not meet the score-validity benchmark.", evaluators: ["deterministic"], model_ids: ["rules"], methods: [], prompt_versions: [], not_model_evaluated: 1 },
      competencies: [competency({ state: "not_validated", score: null, answers: [answer({ state: "not_validated", run_scores: [], mean_score: null, evaluator: "deterministic", validated: false, review_flags: ["text addressed to the evaluator was removed"] })] })],
      weighted_score: null,
      recommendation: null,
      recommendation_reason: "This evaluator configuration did not meet the score-validity benchmark.",
      human_review: ["Answer at stage 'skill': text addressed to the evaluator was removed", "2 integrity flag(s) raised (gaze_away)."],
    }),
  );
  expect(screen.getByTestId("scoring").textContent).toContain("did not meet the score-validity benchmark");
  expect(screen.getByTestId("overall-score").textContent).toBe("—");
  expect(screen.getByTestId("competency-state").textContent).toBe("No score shown (not validated)");
  expect(screen.getByTestId("recommendation").textContent).toBe("No recommendation: This evaluator configuration did not meet the score-validity benchmark.");
  const review = screen.getByTestId("human-review");
  expect(review.textContent).toContain("integrity flag(s) raised");
  expect(review.textContent).toContain("text addressed to the evaluator was removed");
  expect(screen.getByText("⚠ Not evaluated by the model")).toBeTruthy();
  expect(screen.getAllByTestId("check")[0].textContent).toContain(`Specific example: yes — “${QUOTE}”`);
  // The recruiter still decides.
  expect(screen.getByRole("radio", { name: "Advance" })).toBeTruthy();
});

const RESUME_ID = "00000000-0000-0000-0000-00000000c0de";
const RESUME_TEXT = "Jane Doe. Backend engineer: Python, PostgreSQL, Redis.";

afterEach(() => vi.unstubAllGlobals());

test("the report names the résumé the interview used and shows its text when opened", async () => {
  const fetch = vi.fn().mockResolvedValue(
    new Response(JSON.stringify({ id: RESUME_ID, filename: "jane-doe.pdf", content_type: "application/pdf", size_bytes: 2048, text: RESUME_TEXT, created_at: "2026-03-02T09:00:00Z" }), {
      status: 200,
      headers: { "Content-Type": "application/json" },
    }),
  );
  vi.stubGlobal("fetch", fetch);
  renderReport(content(), { id: RESUME_ID, filename: "jane-doe.pdf", content_type: "application/pdf", size_bytes: 2048, created_at: "2026-03-02T09:00:00Z" });
  const shown = screen.getByTestId("report-resume");
  expect(shown.textContent).toContain(`Résumé: jane-doe.pdf, uploaded ${new Date("2026-03-02T09:00:00Z").toLocaleDateString("en")}`);
  // Nothing is fetched until the recruiter asks for the text.
  expect(fetch).not.toHaveBeenCalled();
  fireEvent.click(screen.getByText("Show the résumé's text"));
  expect(await screen.findByText(RESUME_TEXT)).toBeTruthy();
  expect(fetch).toHaveBeenCalledWith(`/api/v1/resumes/${RESUME_ID}`, expect.anything());
});

test("a report of an interview started without a résumé says so", () => {
  renderReport(content(), null);
  expect(screen.getByTestId("report-resume").textContent).toBe("No résumé was provided.");
});
