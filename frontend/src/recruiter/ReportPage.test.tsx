import { act, fireEvent, render, screen, within } from "@testing-library/react";
import type { Report, ReportContent, Schemas } from "../api/client";
import { I18nProvider } from "../i18n";
import { REPORT_REFRESH_MS, ReportPage, ReportView } from "./ReportPage";

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

const SPOKEN_TURN = "00000000-0000-0000-0000-000000000002";

function turn(overrides: Partial<Schemas["TurnRead"]> = {}): Schemas["TurnRead"] {
  return {
    id: TURN, stage_index: 1, stage_key: "skill", stage_type: "generated", competency: "job_skill", question_text: "Tell me about it.", question_source: "bank",
    question_model_id: null, fallback_reason: null, answer_text: `${QUOTE} and cut the run to forty minutes.`, answer_kind: "text", answered_at: null,
    stt_status: "not_needed", stt_error: null, evaluation_status: "done",
    ...overrides,
  };
}

const TURNS = [turn(), turn({ id: SPOKEN_TURN, stage_index: 2, stage_key: "skill_followup", question_text: "What did you measure?", answer_text: "The p95 latency.", answer_kind: "audio", stt_status: "done" })];

function makeReport(reportContent: ReportContent, overrides: Partial<Report> = {}): Report {
  return {
    id: "r", interview_id: "i", status: "ready", generated_at: null, error: null, share_candidate_summary: false,
    content: reportContent, decision: null, decision_history: [], resume: null,
    ...overrides,
  };
}

function renderReport(reportContent: ReportContent, resume: Report["resume"] = null, overrides: Partial<Report> = {}) {
  return render(
    <I18nProvider language="en">
      <ReportView interviewId="i" report={makeReport(reportContent, { resume, ...overrides })} turns={TURNS} error={null} onError={vi.fn()} onSaved={vi.fn()} />
    </I18nProvider>,
  );
}

test("a validated report shows scores, states, checks with quotes and the recommendation", () => {
  renderReport(content());
  expect(screen.getByTestId("scoring").textContent).toContain("validated evaluator, scores shown");
  expect(screen.getByTestId("overall-score").textContent).toBe("4.0");
  expect(screen.getByTestId("competency-state").textContent).toBe("Not probed by this interview");
  const checks = screen.getAllByTestId("check").map((c) => c.textContent);
  expect(checks).toEqual(["✓ Specific example: yes", "✗ Measured result: no"]);
  expect(screen.getByTestId("recommendation").textContent).toBe("Advance");
  expect(screen.getByTestId("recommendation-reason").textContent).toBe("Weighted score 4.00 of 5.");
  expect(screen.getByTestId("report-status").textContent).toBe("Ready");
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
  expect(screen.getByTestId("recommendation").textContent).toBe("Not scored by a validated evaluator");
  expect(screen.getByTestId("recommendation-reason").textContent).toBe("This evaluator configuration did not meet the score-validity benchmark.");
  const review = screen.getByTestId("human-review");
  // Stage keys and flag codes in the review sentences read as names.
  expect(review.textContent).toContain("2 integrity flag(s) raised (looking away).");
  expect(review.textContent).toContain("Answer at stage “Skills”: text addressed to the evaluator was removed");
  expect(screen.getByText("⚠ Not evaluated by the model")).toBeTruthy();
  expect(screen.getAllByTestId("check")[0].textContent).toBe("✓ Specific example: yes");
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

test("an unfinished report shows the recommendation and score as pending, not the draft's", () => {
  renderReport(content(), null, { status: "pending" });
  expect(screen.getByTestId("report-not-ready")).toBeTruthy();
  expect(screen.getByTestId("report-status").textContent).toBe("Being prepared");
  expect(screen.getByTestId("recommendation").textContent).toBe("Pending");
  expect(screen.getByTestId("overall-score").textContent).toBe("Pending");
  expect(screen.queryByTestId("recommendation-reason")).toBeNull();
  expect(document.querySelector(".rec-advance")).toBeNull();
});

test("each competency card lists its evidence once, with readable stage names", () => {
  renderReport(content());
  const [skills, growth] = screen.getAllByTestId("competency-evidence");
  expect(within(skills).getByRole("heading", { level: 3 }).textContent).toBe("Job skills × 3");
  expect(within(skills).getByTestId("competency-score").textContent).toBe("4.0 / 5");
  // The quote backs the competency and its "specific" check: it is listed once.
  const quotes = within(skills).getAllByRole("listitem").filter((item) => item.textContent?.includes(QUOTE));
  expect(quotes.map((q) => q.textContent)).toEqual([`${QUOTE} (Skills)`]);
  expect(within(growth).queryByTestId("evidence")).toBeNull();
  expect(screen.getByRole("link", { name: "← Back to interviews" }).getAttribute("href")).toBe("/interviews");
});

test("the transcript names stages, marks typed and spoken answers and highlights evidence", () => {
  renderReport(content());
  const [typed, spoken] = screen.getAllByTestId("transcript-turn");
  expect(typed.textContent).toContain("Question 2 · Skills.");
  expect(within(typed).getByTestId("answer-kind").textContent).toBe("⌨ Typed answer");
  expect(typed.querySelector("mark")?.textContent).toBe(QUOTE);
  expect(spoken.textContent).toContain("Question 3 · Skills — follow-up.");
  expect(within(spoken).getByTestId("answer-kind").textContent).toBe("🎙 Spoken answer (transcribed)");
  expect(spoken.textContent).not.toContain("skill_followup");
});

test("integrity flags read as sentences, each with its caveat", () => {
  renderReport(content({ integrity_flags: [{ kind: "gaze_away", stage_key: "skill_followup", start_s: 3, end_s: 9, turn_id: SPOKEN_TURN, detail: "looking away from the screen for 6.0 s" }] }));
  const flag = screen.getByTestId("integrity-flag");
  expect(flag.textContent).toContain("Skills — follow-up, 3–9 s: The candidate looked away from the screen for about 6 s.");
  expect(flag.textContent).toContain("a second monitor look the same");
  expect(flag.textContent).not.toContain("gaze_away");
});

test("the decision says who made it and when", () => {
  const decidedAt = "2026-03-04T10:30:00Z";
  const decision: Schemas["DecisionRead"] = { decision: "hold", note: "Ask about on-call.", decided_by: "u", decided_by_email: "rita@example.test", decided_at: decidedAt };
  renderReport(content(), null, { decision, decision_history: [decision] });
  expect(screen.getByTestId("decided-by").textContent).toBe(`Current decision: Hold, by rita@example.test on ${new Date(decidedAt).toLocaleString("en")}.`);
  expect((screen.getByRole("radio", { name: "Hold" }) as HTMLInputElement).checked).toBe(true);
});

test("an unfinished report is fetched again until it is ready, then no more", async () => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  try {
    const reportPaths: string[] = [];
    let status: Report["status"] = "pending";
    const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string) => {
        if (url.endsWith("/turns")) return json(TURNS);
        reportPaths.push(url);
        return json(makeReport(content(), { status }));
      }),
    );
    render(
      <I18nProvider language="en">
        <ReportPage interviewId="i" />
      </I18nProvider>,
    );
    expect((await screen.findByTestId("recommendation")).textContent).toBe("Pending");
    status = "ready";
    await act(() => vi.advanceTimersByTimeAsync(REPORT_REFRESH_MS));
    expect((await screen.findByText("Advance", { selector: ".badge" })).textContent).toBe("Advance");
    const fetched = reportPaths.length;
    await act(() => vi.advanceTimersByTimeAsync(REPORT_REFRESH_MS * 3));
    expect(reportPaths.length).toBe(fetched);
  } finally {
    vi.useRealTimers();
  }
});

test("a ready report that arrives before the transcript still shows the transcript", async () => {
  // The ready report ends the refreshing; the transcript answered after it must not be dropped.
  let sendTurns: () => void = () => undefined;
  const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string) => {
      if (url.endsWith("/turns")) return new Promise<Response>((resolve) => (sendTurns = () => resolve(json(TURNS))));
      return json(makeReport(content(), { status: "ready" }));
    }),
  );
  render(
    <I18nProvider language="en">
      <ReportPage interviewId="i" />
    </I18nProvider>,
  );
  // The report's answer is in and rendered before the transcript's.
  await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
  await act(async () => sendTurns());
  expect(await screen.findAllByTestId("transcript-turn")).toHaveLength(TURNS.length);
  expect(screen.getByText("Advance", { selector: ".badge" })).toBeTruthy();
});

test("observations are a table per stage, with the model's limitations shown once", () => {
  const emotion = { distribution: { neutral: 1 }, limitations: "Expressions are not feelings.", model_id: "m", timeline: [[0, "neutral"], [2, "neutral"], [5, "smiling"]] as [number, string][] };
  renderReport(
    content({
      observations: {
        gaze_included: true, emotion_included: true, notes: [], notice: "Observations are never scored.",
        turns: [
          { turn_id: TURN, stage_key: "skill", face_present_ratio: 1, gaze_on_screen_ratio: 0.8, blink_rate_per_min: null, emotion },
          { turn_id: SPOKEN_TURN, stage_key: "skill_followup", face_present_ratio: 0.5, gaze_on_screen_ratio: null, blink_rate_per_min: null, emotion },
        ],
      },
    }),
  );
  const rows = within(screen.getByTestId("observations")).getAllByRole("row").map((row) => [...row.children].map((cell) => cell.textContent));
  expect(rows).toEqual([
    ["Stage", "Face visible", "Looking at the screen", "Facial expression over time"],
    ["Skills", "100%", "80%", "0 s neutral → 5 s smiling"],
    ["Skills — follow-up", "50%", "—", "0 s neutral → 5 s smiling"],
  ]);
  expect(screen.getAllByText("Expressions are not feelings.")).toHaveLength(1);
});

describe("playing a spoken answer", () => {
  const AUDIO = new Uint8Array([0x4f, 0x67, 0x67, 0x53, 1, 2, 3]);
  const created = vi.fn((blob: Blob) => `blob:answer-${blob.size}`);
  const revoked = vi.fn();
  const originals = { create: URL.createObjectURL, revoke: URL.revokeObjectURL };
  beforeEach(() => {
    // jsdom has no object URLs.
    URL.createObjectURL = created;
    URL.revokeObjectURL = revoked;
    localStorage.setItem("interview.tokens", JSON.stringify({ access: "recruiter-token", refresh: "r" }));
  });
  afterEach(() => {
    URL.createObjectURL = originals.create;
    URL.revokeObjectURL = originals.revoke;
    localStorage.clear();
    created.mockClear();
    revoked.mockClear();
  });

  test("only a spoken answer offers its recording, fetched with the token when asked and revoked on unmount", async () => {
    const fetch = vi.fn().mockResolvedValue(new Response(AUDIO, { status: 200, headers: { "Content-Type": "audio/ogg" } }));
    vi.stubGlobal("fetch", fetch);
    const { unmount } = renderReport(content());
    const [typed, spoken] = screen.getAllByTestId("transcript-turn");
    expect(within(typed).queryByRole("button", { name: /Play answer/ })).toBeNull();
    // Nothing is downloaded until the recruiter asks.
    expect(fetch).not.toHaveBeenCalled();
    fireEvent.click(within(spoken).getByRole("button", { name: "Play answer: Recording of answer 3" }));
    const player = (await within(spoken).findByTestId("answer-audio")) as HTMLAudioElement;
    expect(player.tagName).toBe("AUDIO");
    expect(player.controls).toBe(true);
    expect(player.getAttribute("src")).toBe(`blob:answer-${AUDIO.length}`);
    expect(player.getAttribute("aria-label")).toBe("Recording of answer 3");
    expect(fetch).toHaveBeenCalledWith(`/api/v1/interviews/i/turns/${SPOKEN_TURN}/audio`, expect.objectContaining({ headers: expect.objectContaining({ Authorization: "Bearer recruiter-token" }) }));
    expect(revoked).not.toHaveBeenCalled();
    unmount();
    expect(revoked).toHaveBeenCalledWith(`blob:answer-${AUDIO.length}`);
  });

  test("a recording that is no longer kept says so in the reader's language", async () => {
    const problem = { type: "about:blank", title: "Not found", status: 404, detail: "This answer has no recording.", code: "audio-not-found" };
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(new Response(JSON.stringify(problem), { status: 404, headers: { "Content-Type": "application/problem+json" } })));
    render(
      <I18nProvider language="ko">
        <ReportView interviewId="i" report={makeReport(content())} turns={TURNS} error={null} onError={vi.fn()} onSaved={vi.fn()} />
      </I18nProvider>,
    );
    fireEvent.click(screen.getByRole("button", { name: "답변 듣기: 3번 답변 녹음" }));
    expect((await screen.findByTestId("answer-audio-gone")).textContent).toBe("녹음을 들을 수 없습니다.");
    expect(screen.queryByTestId("answer-audio")).toBeNull();
    expect(created).not.toHaveBeenCalled();
  });

  test("another failure shows the server's message and the button stays to try again", async () => {
    const problem = { type: "about:blank", title: "Service unavailable", status: 503, detail: "The database is not answering.", code: "database-unavailable" };
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(new Response(JSON.stringify(problem), { status: 503, headers: { "Content-Type": "application/problem+json" } })));
    renderReport(content());
    fireEvent.click(screen.getByRole("button", { name: "Play answer: Recording of answer 3" }));
    expect((await screen.findByRole("alert")).textContent).toContain("The database is not answering.");
    expect((screen.getByRole("button", { name: "Play answer: Recording of answer 3" }) as HTMLButtonElement).disabled).toBe(false);
  });
});
