// The report: competency chart, transcript with scores and highlighted evidence, pace and
// fillers, integrity flags, observations when consented, AI recommendation and the decision.
import { useEffect, useState, type ReactNode } from "react";
import { ApiError, api, reports, type Recommendation, type Report, type ReportContent, type Turn } from "../api/client";
import { ErrorNote } from "../auth/AuthForms";
import { useI18n } from "../i18n";

export function ReportPage({ interviewId }: { interviewId: string }) {
  const { t } = useI18n();
  const [turns, setTurns] = useState<Turn[]>([]);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.turns(interviewId).then(setTurns, (e: Error) => setError(e.message));
    reports.get(interviewId).then(setReport, (e: ApiError) => e.status !== 404 && setError(e.message));
  }, [interviewId]);
  const content = report?.content ?? null;
  return (
    <article aria-labelledby="report-title" className="report">
      <header className="page-head">
        <div>
          <h1 id="report-title">{t("reportTitle")}</h1>
          {content && (
            <p className="meta">
              {content.candidate_email} · {content.job_title}
            </p>
          )}
        </div>
        <div className="actions">
          <button type="button" disabled={!content} onClick={() => reports.download(`/interviews/${interviewId}/report.pdf`, `report-${interviewId}.pdf`).catch((e: Error) => setError(e.message))}>
            ⤓ {t("exportPdf")}
          </button>
          {content && (
            <button type="button" onClick={() => reports.download(`/jobs/${content.job_id}/report.csv`, `job-${content.job_id}.csv`).catch((e: Error) => setError(e.message))}>
              ⤓ {t("exportCsv")}
            </button>
          )}
        </div>
      </header>
      <ErrorNote error={error} />
      {(!report || report.status !== "ready") && (
        <p className="notice warning" role="status" data-testid="report-not-ready">
          ⏳ {t("reportNotReady")}
        </p>
      )}
      {content && report && (
        <>
          <div className="report-grid">
            <CompetencyChart content={content} />
            <RecommendationPanel interviewId={interviewId} report={report} content={content} onSaved={setReport} />
          </div>
          <SpeechFigures content={content} />
          <IntegrityFlags content={content} />
          <ObservationTimeline content={content} />
        </>
      )}
      <Transcript turns={turns} content={content} />
    </article>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = `section-${title.replace(/\W+/g, "-")}`;
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

const scoreText = (score: number | null | undefined) => (score === null || score === undefined ? "—" : score.toFixed(1));

function CompetencyChart({ content }: { content: ReportContent }) {
  const { t } = useI18n();
  return (
    <Section title={t("competencyScores")}>
      <p className="overall">
        {t("overall")}: <strong data-testid="overall-score">{scoreText(content.weighted_score)}</strong> / 5
      </p>
      <ul className="bar-chart">
        {content.competencies.map((c) => (
          <li key={c.key}>
            <span className="bar-label">
              {c.name} <small>× {c.weight}</small>
            </span>
            <span className="bar-track" role="img" aria-label={`${c.name}: ${scoreText(c.score)} / 5`}>
              <span className="bar-fill" style={{ width: `${((c.score ?? 0) / 5) * 100}%` }} />
            </span>
            <span className="bar-value" data-testid="competency-score">
              {scoreText(c.score)}
            </span>
          </li>
        ))}
      </ul>
    </Section>
  );
}

const DECISIONS: Recommendation[] = ["advance", "hold", "reject"];

function RecommendationPanel({ interviewId, report, content, onSaved }: { interviewId: string; report: Report; content: ReportContent; onSaved: (r: Report) => void }) {
  const { t } = useI18n();
  const [decision, setDecision] = useState<Recommendation | "">(report.decision?.decision ?? "");
  const [note, setNote] = useState(report.decision?.note ?? "");
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    if (!decision) return;
    try {
      onSaved(await reports.decide(interviewId, { decision, note }));
      setSaved(true);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="stack">
      <Section title={t("recommendation")}>
        <p className="recommendation" data-testid="recommendation">
          <span className={`badge rec-${content.recommendation}`}>{t(content.recommendation)}</span>
        </p>
        <p>{content.recommendation_reason}</p>
        <p className="hint">{t("recommendationNote")}</p>
      </Section>
      <Section title={t("decision")}>
        <fieldset className="segmented-radio">
          <legend className="visually-hidden">{t("decision")}</legend>
          {DECISIONS.map((d) => (
            <label key={d}>
              <input type="radio" name="decision" value={d} checked={decision === d} onChange={() => setDecision(d)} /> {t(d)}
            </label>
          ))}
        </fieldset>
        <label htmlFor="decision-note">{t("decisionNote")}</label>
        <textarea id="decision-note" rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
        <button type="button" className="primary" disabled={!decision} onClick={save}>
          {t("saveDecision")}
        </button>
        {saved && <p role="status">✓ {t("decisionSaved")}</p>}
        <ErrorNote error={error} />
      </Section>
    </div>
  );
}

function SpeechFigures({ content }: { content: ReportContent }) {
  const { t } = useI18n();
  const c = content.communication;
  return (
    <Section title={t("speech")}>
      <dl className="figures">
        <div>
          <dt>{t("wordsPerMinute")}</dt>
          <dd>{c.words_per_minute?.toFixed(0) ?? "—"}</dd>
        </div>
        <div>
          <dt>{t("fillerRate")}</dt>
          <dd>{c.words ? ((c.filler_count / c.words) * 100).toFixed(1) : "—"}</dd>
        </div>
      </dl>
    </Section>
  );
}

function IntegrityFlags({ content }: { content: ReportContent }) {
  const { t } = useI18n();
  return (
    <Section title={t("integrity")}>
      {content.integrity_flags.length === 0 ? (
        <p>✓ {t("noFlags")}</p>
      ) : (
        <ul>
          {content.integrity_flags.map((f, i) => (
            <li key={i}>
              ⚑ {f.stage_key} · {f.kind} · {f.start_s.toFixed(0)}–{f.end_s.toFixed(0)} s: {f.detail}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function ObservationTimeline({ content }: { content: ReportContent }) {
  const { t } = useI18n();
  const o = content.observations;
  return (
    <Section title={t("timeline")}>
      <p className="hint">{o.notice}</p>
      {!o.gaze_included && !o.emotion_included ? (
        <p>{t("noTimeline")}</p>
      ) : (
        <ul>
          {o.turns.map((turn) => (
            <li key={turn.turn_id}>
              {turn.stage_key}: face {(turn.face_present_ratio * 100).toFixed(0)}%
              {turn.gaze_on_screen_ratio !== null && <> · gaze {(turn.gaze_on_screen_ratio * 100).toFixed(0)}%</>}
              {turn.emotion && <> · {turn.emotion.timeline.map(([s, label]) => `${s.toFixed(0)}s ${label}`).join(" → ")}</>}
            </li>
          ))}
        </ul>
      )}
      {o.notes.map((note) => (
        <p key={note} className="hint">
          {note}
        </p>
      ))}
    </Section>
  );
}

/** Wrap every evidence quote found in the answer in <mark>. */
export function highlightEvidence(text: string, quotes: string[]): ReactNode[] {
  const found = quotes.filter((q) => q && text.includes(q));
  if (found.length === 0) return [text];
  const pattern = new RegExp(`(${found.map((q) => q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})`);
  return text.split(pattern).map((part, i) => (found.includes(part) ? <mark key={i}>{part}</mark> : part));
}

function Transcript({ turns, content }: { turns: Turn[]; content: ReportContent | null }) {
  const { t } = useI18n();
  return (
    <Section title={t("transcript")}>
      <ol className="transcript">
        {turns.map((turn) => {
          const scores = content?.competencies.flatMap((c) => c.answers.filter((a) => a.turn_id === turn.id).map((a) => ({ name: c.name, answer: a }))) ?? [];
          const quotes = scores.flatMap((s) => s.answer.evidence);
          return (
            <li key={turn.id} data-testid="transcript-turn">
              <p className="q">
                <strong>{t("question")} {turn.stage_index + 1}.</strong> {turn.question_text}
              </p>
              <p className="a">{turn.answer_text ? highlightEvidence(turn.answer_text, quotes) : t("noAnswer")}</p>
              {scores.map(({ name, answer }) => (
                <div key={name} className="turn-score">
                  <span className="badge">
                    {name}: {t("score")} {answer.mean_score.toFixed(1)} / 5
                  </span>
                  {answer.evidence.length > 0 && (
                    <span className="evidence" data-testid="evidence">
                      {t("evidence")}: {answer.evidence.map((q) => `“${q}”`).join(" · ")}
                    </span>
                  )}
                  <span className="hint">{answer.rationale}</span>
                </div>
              ))}
            </li>
          );
        })}
      </ol>
    </Section>
  );
}
