// Small inline SVG charts of the report's observations: gaze on screen and facial-expression labels
// per answer, and speaking pace per spoken answer. No chart library: a few bars do not justify a
// dependency. Each chart is one role="img" with its values summarised in its aria-label, and the
// same numbers in a table that only screen readers see. Nothing is drawn without data. These are
// observations only; none of them feeds a score or the recommendation, and each chart says so.
import type { CSSProperties, ReactNode } from "react";
import type { Schemas } from "../api/client";
import { useI18n, type MessageKey } from "../i18n";

type Observations = Schemas["Observations"];
type Communication = Schemas["CommunicationFigures"];
/** A readable stage name for a stage key (ReportPage's stageLabel), passed in to avoid an import cycle. */
type StageName = (stageKey: string) => string;

// The vision worker's labels (ai-worker vision/emotion.py EMOTION_LABELS), in the order the legend and
// stacked bars use; any other label is shown as sent, after these. Okabe–Ito colours stay apart for
// the common colour-vision deficiencies, and every value is also given as text.
const EXPRESSIONS: { label: string; key: MessageKey; colour: string }[] = [
  { label: "neutral", key: "exprNeutral", colour: "#8c8c8c" },
  { label: "happy", key: "exprHappy", colour: "#e69f00" },
  { label: "surprise", key: "exprSurprise", colour: "#56b4e9" },
  { label: "sad", key: "exprSad", colour: "#0072b2" },
  { label: "angry", key: "exprAngry", colour: "#d55e00" },
  { label: "fear", key: "exprFear", colour: "#cc79a7" },
  { label: "disgust", key: "exprDisgust", colour: "#009e73" },
];
const OTHER_COLOURS = ["#f0e442", "#000000", "#999933", "#882255"];

// One row per answer: its name above, its bar below. Labels above the bars never collide with them,
// whatever the length of a (Korean) stage name.
const WIDTH = 480;
const BAR_MAX = 380;
const ROW_H = 36;
const BAR_Y = 16;
const BAR_H = 14;
const svgStyle: CSSProperties = { width: "100%", maxWidth: WIDTH, height: "auto", display: "block" };
const textStyle: CSSProperties = { fontSize: 12, fill: "var(--ink)" };
const trackStyle: CSSProperties = { fill: "var(--line)" };
const barStyle: CSSProperties = { fill: "var(--accent)" };

const pct = (ratio: number) => `${Math.round(ratio * 100)}%`;

function ChartFrame({ testId, title, note, children }: { testId: string; title: string; note?: string; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <figure className="observation-chart" data-testid={testId} style={{ margin: "12px 0" }}>
      <figcaption>
        <strong>{title}</strong>
        <br />
        <small className="hint">
          {t("chartNotScored")}
          {note && ` ${note}`}
        </small>
      </figcaption>
      {children}
    </figure>
  );
}

/** One answer's row: its name above a bar filled to `share` of the track, the value beside it. */
function BarRow({ index, name, share, value }: { index: number; name: string; share: number; value: string }) {
  return (
    <g transform={`translate(0 ${index * ROW_H})`}>
      <text x={0} y={12} style={textStyle}>
        {name}
      </text>
      <rect x={0} y={BAR_Y} width={BAR_MAX} height={BAR_H} style={trackStyle} />
      <rect x={0} y={BAR_Y} width={clamp(share) * BAR_MAX} height={BAR_H} style={barStyle} />
      <text x={BAR_MAX + 6} y={BAR_Y + BAR_H - 2} style={textStyle}>
        {value}
      </text>
    </g>
  );
}

/** One bar per answer whose camera saw where the candidate looked; answers without a gaze value are left out. */
export function GazeChart({ observations, stageName }: { observations: Observations; stageName: StageName }) {
  const { t } = useI18n();
  if (!observations.gaze_included) return null;
  const rows = observations.turns.flatMap((turn) =>
    turn.gaze_on_screen_ratio === null ? [] : [{ id: turn.turn_id, name: stageName(turn.stage_key), ratio: turn.gaze_on_screen_ratio }],
  );
  if (rows.length === 0) return null;
  const summary = t("gazeChartSummary", { values: rows.map((row) => `${row.name} ${pct(row.ratio)}`).join(", ") });
  return (
    <ChartFrame testId="gaze-chart" title={t("gazeChartTitle")}>
      <svg role="img" aria-label={summary} viewBox={`0 0 ${WIDTH} ${rows.length * ROW_H}`} style={svgStyle}>
        {rows.map((row, i) => (
          <BarRow key={row.id} index={i} name={row.name} share={row.ratio} value={pct(row.ratio)} />
        ))}
      </svg>
      <ValuesTable caption={t("gazeChartTitle")} head={[t("obsStage"), t("obsGaze")]} rows={rows.map((row) => ({ id: row.id, name: row.name, cells: [pct(row.ratio)] }))} />
    </ChartFrame>
  );
}

/** Per answer, a 100 % bar split by the share of pictures each expression label was given; a legend names the colours. */
export function ExpressionChart({ observations, stageName }: { observations: Observations; stageName: StageName }) {
  const { t } = useI18n();
  if (!observations.emotion_included) return null;
  const rows = observations.turns.flatMap((turn) => (turn.emotion ? [{ id: turn.turn_id, name: stageName(turn.stage_key), distribution: turn.emotion.distribution }] : []));
  if (rows.length === 0) return null;
  // Only the labels some answer actually has: seven columns of 0 % say nothing.
  const seen = new Set(rows.flatMap((row) => Object.keys(row.distribution).filter((label) => row.distribution[label] > 0)));
  const known = EXPRESSIONS.filter((e) => seen.has(e.label)).map((e) => ({ label: e.label, name: t(e.key), colour: e.colour }));
  const others = [...seen]
    .filter((label) => !EXPRESSIONS.some((e) => e.label === label))
    .sort()
    .map((label, i) => ({ label, name: label, colour: OTHER_COLOURS[i % OTHER_COLOURS.length] }));
  const labels = [...known, ...others];
  const share = (row: (typeof rows)[number], label: string) => row.distribution[label] ?? 0;
  const summary = t("expressionChartSummary", {
    values: rows
      .map((row) => {
        const parts = labels.filter((l) => share(row, l.label) > 0).map((l) => `${l.name} ${pct(share(row, l.label))}`);
        return `${row.name}: ${parts.join(", ") || "—"}`;
      })
      .join("; "),
  });
  return (
    <ChartFrame testId="expression-chart" title={t("expressionChartTitle")} note={t("expressionChartNote")}>
      <svg role="img" aria-label={summary} viewBox={`0 0 ${WIDTH} ${rows.length * ROW_H}`} style={svgStyle}>
        {rows.map((row, i) => {
          let x = 0;
          return (
            <g key={row.id} transform={`translate(0 ${i * ROW_H})`}>
              <text x={0} y={12} style={textStyle}>
                {row.name}
              </text>
              <rect x={0} y={BAR_Y} width={BAR_MAX} height={BAR_H} style={trackStyle} />
              {labels.map((l) => {
                const width = clamp(share(row, l.label)) * BAR_MAX;
                // The title is a pointer tooltip for sighted readers; screen readers have the aria-label and the table.
                const segment = (
                  <rect key={l.label} x={x} y={BAR_Y} width={width} height={BAR_H} style={{ fill: l.colour }}>
                    <title>{`${l.name} ${pct(share(row, l.label))}`}</title>
                  </rect>
                );
                x += width;
                return width > 0 ? segment : null;
              })}
            </g>
          );
        })}
      </svg>
      <ul className="chart-legend" aria-hidden="true" style={{ listStyle: "none", padding: 0, margin: "4px 0", display: "flex", flexWrap: "wrap", gap: "4px 12px" }}>
        {labels.map((l) => (
          <li key={l.label}>
            <span style={{ display: "inline-block", width: 10, height: 10, marginRight: 4, background: l.colour }} />
            {l.name}
          </li>
        ))}
      </ul>
      <ValuesTable
        caption={t("expressionChartTitle")}
        head={[t("obsStage"), ...labels.map((l) => l.name)]}
        rows={rows.map((row) => ({ id: row.id, name: row.name, cells: labels.map((l) => pct(share(row, l.label))) }))}
      />
    </ChartFrame>
  );
}

/** Words per minute per spoken answer, with the average over all of them as a dashed line; nothing when every answer was typed. */
export function PaceChart({ communication, stageName }: { communication: Communication; stageName: StageName }) {
  const { t } = useI18n();
  const rows = communication.turns.map((turn) => ({ id: turn.turn_id, name: stageName(turn.stage_key), wpm: turn.words_per_minute }));
  if (rows.length === 0) return null;
  const average = communication.words_per_minute;
  // The scale ends at the next 50 words per minute above the fastest answer (or the average), so bars compare at a glance.
  const top = Math.max(50, Math.ceil(Math.max(...rows.map((row) => row.wpm), average ?? 0) / 50) * 50);
  const wpm = (value: number) => value.toFixed(0);
  const averageText = average === null ? "" : ` ${t("paceAverage", { wpm: wpm(average) })}`;
  const summary = t("paceChartSummary", { values: rows.map((row) => `${row.name} ${wpm(row.wpm)}`).join(", ") }) + averageText;
  const height = rows.length * ROW_H;
  return (
    <ChartFrame testId="pace-chart" title={t("paceChartTitle")}>
      <svg role="img" aria-label={summary} viewBox={`0 0 ${WIDTH} ${height}`} style={svgStyle}>
        {rows.map((row, i) => (
          <BarRow key={row.id} index={i} name={row.name} share={row.wpm / top} value={t("wpmValue", { wpm: wpm(row.wpm) })} />
        ))}
        {average !== null && (
          <line x1={(average / top) * BAR_MAX} x2={(average / top) * BAR_MAX} y1={BAR_Y - 2} y2={height} strokeDasharray="4 3" style={{ stroke: "var(--ink)", strokeWidth: 1.5 }} />
        )}
      </svg>
      {average !== null && (
        <p className="hint">
          {/* A sample of the dashed line, so the sentence says which mark is the average. */}
          <svg aria-hidden="true" width="18" height="10" style={{ marginRight: 4 }}>
            <line x1="1" x2="17" y1="5" y2="5" strokeDasharray="4 3" style={{ stroke: "var(--ink)", strokeWidth: 1.5 }} />
          </svg>
          {t("paceAverage", { wpm: wpm(average) })}
        </p>
      )}
      <ValuesTable caption={t("paceChartTitle")} head={[t("obsStage"), t("wordsPerMinute")]} rows={rows.map((row) => ({ id: row.id, name: row.name, cells: [wpm(row.wpm)] }))} />
    </ChartFrame>
  );
}

/** The gaze and expression charts of the observations section; null when neither has data. */
export function ObservationCharts({ observations, stageName }: { observations: Observations; stageName: StageName }) {
  return (
    <>
      <GazeChart observations={observations} stageName={stageName} />
      <ExpressionChart observations={observations} stageName={stageName} />
    </>
  );
}

// A ratio outside 0–1 (a rounding slip upstream) must not draw past the track.
const clamp = (ratio: number) => Math.min(1, Math.max(0, ratio));

/** The chart's numbers as a table for screen readers; sighted readers have the bars and their labels. */
function ValuesTable({ caption, head, rows }: { caption: string; head: string[]; rows: { id: string; name: string; cells: string[] }[] }) {
  return (
    <table className="visually-hidden">
      <caption>{caption}</caption>
      <thead>
        <tr>
          {head.map((cell) => (
            <th key={cell} scope="col">
              {cell}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            <th scope="row">{row.name}</th>
            {row.cells.map((cell, i) => (
              <td key={i}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
