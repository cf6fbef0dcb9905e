import { render, screen, within } from "@testing-library/react";
import type { ReactNode } from "react";
import type { Schemas } from "../api/client";
import { I18nProvider, translator } from "../i18n";
import { ExpressionChart, GazeChart, ObservationCharts, PaceChart } from "./ObservationCharts";
import { stageLabel } from "./ReportPage";

type Observations = Schemas["Observations"];
type TurnObservation = Schemas["TurnObservation"];
type Communication = Schemas["CommunicationFigures"];

const emotion = (distribution: Record<string, number>): Schemas["EmotionObservation"] => ({
  distribution, limitations: "Expressions are not feelings.", model_id: "m", timeline: [[0, "neutral"]],
});

const observed = (n: number, overrides: Partial<TurnObservation> = {}): TurnObservation => ({
  turn_id: `t${n}`, stage_key: "skill", face_present_ratio: 1, gaze_on_screen_ratio: 0.8, blink_rate_per_min: null, emotion: null, ...overrides,
});

const observations = (overrides: Partial<Observations> = {}): Observations => ({
  gaze_included: true, emotion_included: true, notes: [], notice: "Observations are never scored.",
  turns: [
    observed(1, { gaze_on_screen_ratio: 0.8, emotion: emotion({ neutral: 0.75, happy: 0.25, sad: 0, smiling: 0 }) }),
    observed(2, { stage_key: "skill_followup", gaze_on_screen_ratio: null, emotion: emotion({ neutral: 0.5, smiling: 0.5 }) }),
    observed(3, { stage_key: "growth", gaze_on_screen_ratio: 0.456, emotion: null }),
  ],
  ...overrides,
});

const speechTurn = (n: number, stage_key: string, words_per_minute: number): Schemas["TurnSpeech"] => ({
  turn_id: `t${n}`, stage_key, words_per_minute, pause_count: 0, longest_pause_s: 0, filler_count: 0, fillers_per_minute: 0,
});

const communication = (overrides: Partial<Communication> = {}): Communication => ({
  spoken_turns: 2, words: 300, speech_duration_s: 130, words_per_minute: 138.5, pause_count: 0, longest_pause_s: null, filler_count: 0, fillers_per_minute: null,
  turns: [speechTurn(1, "skill", 120.4), speechTurn(2, "skill_followup", 155)],
  ...overrides,
});

function renderIn(language: "en" | "ko", chart: (stageName: (key: string) => string) => ReactNode) {
  const t = translator(language);
  return render(<I18nProvider language={language}>{chart((key) => stageLabel(t, key))}</I18nProvider>);
}

/** The cells of the screen-reader table under a chart, row by row. */
const tableRows = (chart: HTMLElement) => within(chart).getAllByRole("row").map((row) => [...row.children].map((cell) => cell.textContent));

test("nothing is drawn when there is nothing observed", () => {
  const none = observations({ gaze_included: false, emotion_included: false, turns: [] });
  const { container } = renderIn("en", (name) => (
    <>
      <ObservationCharts observations={none} stageName={name} />
      <PaceChart communication={communication({ spoken_turns: 0, words_per_minute: null, turns: [] })} stageName={name} />
    </>
  ));
  expect(container.innerHTML).toBe("");
});

test("a part left out of the report draws no chart even if its turns carry values", () => {
  const { container } = renderIn("en", (name) => <ObservationCharts observations={observations({ gaze_included: false, emotion_included: false })} stageName={name} />);
  expect(container.innerHTML).toBe("");
});

test("a part included but with no values draws no chart", () => {
  const empty = observations({ turns: [observed(1, { gaze_on_screen_ratio: null, emotion: null })] });
  renderIn("en", (name) => <ObservationCharts observations={empty} stageName={name} />);
  expect(screen.queryByRole("img")).toBeNull();
});

test("gaze is one bar per answer that has a value, summarised in words and in a table", () => {
  renderIn("en", (name) => <GazeChart observations={observations()} stageName={name} />);
  const chart = screen.getByTestId("gaze-chart");
  const image = within(chart).getByRole("img");
  expect(image.tagName.toLowerCase()).toBe("svg");
  expect(image.getAttribute("aria-label")).toBe("Share of each answer spent looking at the screen: Skills 80%, Growth 46%.");
  // The answer without a gaze value is not drawn as 0 %.
  expect(image.querySelectorAll("g")).toHaveLength(2);
  expect(tableRows(chart)).toEqual([
    ["Stage", "Looking at the screen"],
    ["Skills", "80%"],
    ["Growth", "46%"],
  ]);
  expect(within(chart).getByText("Observation only: never used in a score or the recommendation.")).toBeTruthy();
});

test("expressions are a split bar per answer with only the labels seen, unknown labels as sent", () => {
  renderIn("en", (name) => <ExpressionChart observations={observations()} stageName={name} />);
  const chart = screen.getByTestId("expression-chart");
  expect(within(chart).getByRole("img").getAttribute("aria-label")).toBe(
    "Share of camera pictures per facial-expression label, per answer: Skills: neutral 75%, happy 25%; Skills — follow-up: neutral 50%, smiling 50%.",
  );
  // "sad" is 0 % everywhere, so it is neither a column nor a legend entry.
  expect(tableRows(chart)).toEqual([
    ["Stage", "neutral", "happy", "smiling"],
    ["Skills", "75%", "25%", "0%"],
    ["Skills — follow-up", "50%", "0%", "50%"],
  ]);
  expect(within(chart).getByRole("img").querySelectorAll("g")[0].querySelectorAll("rect")).toHaveLength(3); // track + two segments
  expect(within(chart).getByText("Observation only: never used in a score or the recommendation.", { exact: false })).toBeTruthy();
  // The model's own limitations text stays with the section, not repeated per chart.
  expect(within(chart).queryByText("Expressions are not feelings.")).toBeNull();
});

test("speaking pace is one bar per spoken answer with the average", () => {
  renderIn("en", (name) => <PaceChart communication={communication()} stageName={name} />);
  const chart = screen.getByTestId("pace-chart");
  const image = within(chart).getByRole("img");
  expect(image.getAttribute("aria-label")).toBe(
    "Words per minute for each spoken answer: Skills 120, Skills — follow-up 155. Average over all spoken answers: 139 words per minute.",
  );
  expect(image.querySelector("line")).not.toBeNull();
  expect(within(chart).getByText("155 wpm")).toBeTruthy();
  expect(tableRows(chart)).toEqual([
    ["Stage", "Words per minute"],
    ["Skills", "120"],
    ["Skills — follow-up", "155"],
  ]);
});

test("pace without an overall average draws no average line", () => {
  renderIn("en", (name) => <PaceChart communication={communication({ words_per_minute: null })} stageName={name} />);
  const image = screen.getByRole("img");
  expect(image.querySelector("line")).toBeNull();
  expect(image.getAttribute("aria-label")).not.toContain("Average");
});

test("the Korean report has Korean chart words", () => {
  renderIn("ko", (name) => (
    <>
      <ObservationCharts observations={observations()} stageName={name} />
      <PaceChart communication={communication()} stageName={name} />
    </>
  ));
  expect(within(screen.getByTestId("gaze-chart")).getByRole("img").getAttribute("aria-label")).toBe("답변별로 화면을 본 시간의 비율: 직무 역량 80%, 성장 46%.");
  expect(tableRows(screen.getByTestId("expression-chart"))[0]).toEqual(["단계", "무표정", "기쁨", "smiling"]);
  expect(within(screen.getByTestId("pace-chart")).getByText("분당 155단어")).toBeTruthy();
  expect(screen.getAllByText("관찰 정보일 뿐이며 점수나 추천에 반영되지 않습니다.", { exact: false })).toHaveLength(3);
});
