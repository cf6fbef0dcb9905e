// The report: the résumé the interview used, how it scores (and whether numbers are shown at
// all), what a person must look at, competencies with their state, evidence and checks grouped
// per competency, the AI's recommendation and the recruiter's decision, pace and fillers,
// integrity flags, observations when consented, and the transcript with the evidence highlighted.
import { useEffect, useState, type ReactNode } from "react";
import { ApiError, api, reports, request, type Recommendation, type Report, type ReportContent, type Schemas, type Turn } from "../api/client";
import { ErrorNote } from "../auth/AuthForms";
import { useI18n, type MessageKey } from "../i18n";

type Competency = Schemas["CompetencyResult"];
type Answer = Schemas["AnswerScore"];
type CheckName = Schemas["CompetencyCheck"]["check"];
type UsedResume = Schemas["ReportResume"];

const STATE_LABELS: Record<Competency["state"], MessageKey> = {
  scored: "stateScored",
  no_evidence: "stateNoEvidence",
  not_probed: "stateNotProbed",
  pending: "statePending",
  not_validated: "stateNotValidated",
};
const SCORING_LABELS: Record<ReportContent["scoring"]["state"], MessageKey> = {
  validated: "scoringValidated",
  not_validated: "scoringNotValidated",
  not_evaluated: "scoringNotEvaluated",
};
const CHECK_LABELS: Record<CheckName, MessageKey> = {
  specific: "checkSpecific",
  own_actions: "checkOwnActions",
  result: "checkResult",
  measured: "checkMeasured",
  reasoning: "checkReasoning",
};

export function ReportPage({ interviewId }: { interviewId: string }) {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.turns(interviewId).then(setTurns, (e: Error) => setError(e.message));
    reports.get(interviewId).then(setReport, (e: ApiError) => e.status !== 404 && setError(e.message));
  }, [interviewId]);
  return <ReportView interviewId={interviewId} report={report} turns={turns} error={error} onError={setError} onSaved={setReport} />;
}

export interface ReportViewProps {
  interviewId: string;
  report: Report | null;
  turns: Turn[];
  error: string | null;
  onError: (message: string) => void;
  onSaved: (report: Report) => void;
}

export function ReportView({ interviewId, report, turns, error, onError, onSaved }: ReportViewProps) {
  const { t } = useI18n();
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
          <button type="button" disabled={!content} onClick={() => reports.download(`/interviews/${interviewId}/report.pdf`, `report-${interviewId}.pdf`).catch((e: Error) => onError(e.message))}>
            ⤓ {t("exportPdf")}
          </button>
          {content && (
            <button type="button" onClick={() => reports.download(`/jobs/${content.job_id}/report.csv`, `job-${content.job_id}.csv`).catch((e: Error) => onError(e.message))}>
              ⤓ {t("exportCsv")}
            </button>
          )}
        </div>
      </header>
      <ErrorNote error={error} />
      {report && <ResumeUsed key={report.resume?.id ?? "none"} resume={report.resume} />}
      {(!report || report.status !== "ready") && (
        <p className="notice warning" role="status" data-testid="report-not-ready">
          ⏳ {t("reportNotReady")}
        </p>
      )}
      {content && report && (
        <>
          <ScoringBlock content={content} />
          <HumanReview content={content} />
          <div className="report-grid">
            <CompetencyChart content={content} />
            <RecommendationPanel interviewId={interviewId} report={report} content={content} onSaved={onSaved} />
          </div>
          <EvidenceByCompetency content={content} />
          <SpeechFigures content={content} />
          <IntegrityFlags content={content} />
          <ObservationTimeline content={content} />
        </>
      )}
      <Transcript turns={turns} content={content} />
    </article>
  );
}

function Section({ title, children, className = "card" }: { title: string; children: ReactNode; className?: string }) {
  const id = `section-${title.replace(/\W+/g, "-")}`;
  return (
    <section className={className} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** Which résumé the candidate started with; its text is fetched only when the recruiter opens it. */
function ResumeUsed({ resume }: { resume: UsedResume | null }) {
  const { t, language } = useI18n();
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!resume)
    return (
      <p className="meta" data-testid="report-resume">
        {t("reportNoResume")}
      </p>
    );
  const load = () => {
    if (text !== null) return;
    setError(null);
    request<Schemas["ResumeRead"]>("GET", `/resumes/${resume.id}`).then(
      (read) => setText(read.text),
      (e: Error) => setError(e.message),
    );
  };
  const uploaded = new Date(resume.created_at).toLocaleDateString(language);
  let body: ReactNode;
  if (error) body = <ErrorNote error={error} />;
  else if (text === null) body = <p role="status">{t("loading")}</p>;
  else if (text) body = <pre style={{ whiteSpace: "pre-wrap", maxHeight: "24rem", overflow: "auto" }}>{text}</pre>;
  // Retention blanks the text of old résumés and keeps the rest.
  else body = <p>{t("reportResumeTextGone")}</p>;
  return (
    <div className="resume-used" data-testid="report-resume">
      <p>{t("reportResume", { name: resume.filename, date: uploaded })}</p>
      {/* Opening it again after a failure tries again. */}
      <details onToggle={(event) => event.currentTarget.open && load()}>
        <summary>{t("reportResumeText")}</summary>
        {body}
      </details>
    </div>
  );
}

const scoreText = (score: number | null | undefined) => (score === null || score === undefined ? "—" : score.toFixed(1));
const notByModel = (answer: Answer) => answer.evaluator.split(", ").includes("deterministic");

/** Whether numbers are shown, and why, in the words the report gives (the interview's language). */
function ScoringBlock({ content }: { content: ReportContent }) {
  const { t } = useI18n();
  const scoring = content.scoring;
  const tone = scoring.state === "not_validated" ? "warning" : scoring.state === "validated" ? "success" : "";
  return (
    <section className={`notice scoring ${tone}`} aria-labelledby="scoring-title" data-testid="scoring">
      <h2 id="scoring-title">
        {t("scoringTitle")}: {t(SCORING_LABELS[scoring.state])}
      </h2>
      <p>{scoring.statement}</p>
    </section>
  );
}

function HumanReview({ content }: { content: ReportContent }) {
  const { t } = useI18n();
  if (content.human_review.length === 0) return null;
  return (
    <section className="notice error human-review" role="note" aria-labelledby="human-review-title" data-testid="human-review">
      <h2 id="human-review-title">⚑ {t("humanReview")}</h2>
      <ul>
        {content.human_review.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
    </section>
  );
}

function CompetencyChart({ content }: { content: ReportContent }) {
  const { t } = useI18n();
  return (
    <Section title={t("competencyScores")}>
      <p className="overall">
        {t("overall")}: <strong data-testid="overall-score">{scoreText(content.weighted_score)}</strong> / 5
        {content.coverage !== null && (
          <small>
            {" "}
            · {t("coverage")} {(content.coverage * 100).toFixed(0)}%
          </small>
        )}
      </p>
      <ul className="bar-chart">
        {content.competencies.map((c) => (
          <li key={c.key} className={`state-${c.state}`}>
            <span className="bar-label">
              {c.name} <small>× {c.weight}</small>
            </span>
            {c.state === "scored" ? (
              <span className="bar-track" role="img" aria-label={`${c.name}: ${scoreText(c.score)} / 5`}>
                <span className="bar-fill" style={{ width: `${((c.score ?? 0) / 5) * 100}%` }} />
              </span>
            ) : (
              <span className="bar-state" data-testid="competency-state">
                {t(STATE_LABELS[c.state])}
              </span>
            )}
            <span className="bar-value" data-testid="competency-score">
              {c.state === "scored" ? scoreText(c.score) : "—"}
            </span>
          </li>
        ))}
      </ul>
    </Section>
  );
}

/** "Specific example: yes — “quote”": a check on the competency with the words that show it. */
function CheckLine({ check }: { check: Schemas["CompetencyCheck"] }) {
  const { t } = useI18n();
  return (
    <li className={check.met ? "check-met" : "check-unmet"} data-testid="check">
      {t(CHECK_LABELS[check.check])}: <strong>{check.met ? t("yes") : t("no")}</strong>
      {check.evidence.map((q) => (
        <span key={`${q.turn_id}-${q.quote}`}>
          {" — "}“{q.quote}” <small>({q.stage_key})</small>
        </span>
      ))}
    </li>
  );
}

function EvidenceByCompetency({ content }: { content: ReportContent }) {
  const { t } = useI18n();
  return (
    <Section title={t("evidenceByCompetency")}>
      <ul className="competency-evidence">
        {content.competencies.map((c) => (
          <li key={c.key} data-testid="competency-evidence">
            <h3>
              {c.name}: <span className={`badge state-${c.state}`}>{c.state === "scored" ? `${scoreText(c.score)} / 5` : t(STATE_LABELS[c.state])}</span>
            </h3>
            <p>{c.reason}</p>
            {c.checks.length > 0 && (
              <ul className="checks" aria-label={`${t("checks")}: ${c.name}`}>
                {c.checks.map((check) => (
                  <CheckLine key={check.check} check={check} />
                ))}
              </ul>
            )}
            {c.evidence.length > 0 && (
              <p className="evidence" data-testid="evidence">
                {t("evidence")}:{" "}
                {c.evidence.map((q, i) => (
                  <span key={`${q.turn_id}-${q.quote}`}>
                    {i > 0 && " · "}“{q.quote}” <small>({q.stage_key})</small>
                  </span>
                ))}
              </p>
            )}
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
        {content.recommendation ? (
          <>
            <p className="recommendation" data-testid="recommendation">
              <span className={`badge rec-${content.recommendation}`}>{t(content.recommendation)}</span>
            </p>
            <p>{content.recommendation_reason}</p>
          </>
        ) : (
          <p className="recommendation" data-testid="recommendation">
            <strong>{t("noRecommendation")}:</strong> {content.recommendation_reason}
          </p>
        )}
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
      <p className="hint">{t("speechNotScored")}</p>
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
  const found = [...new Set(quotes)].filter((q) => q && text.includes(q));
  if (found.length === 0) return [text];
  const pattern = new RegExp(`(${found.map((q) => q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})`);
  return text.split(pattern).map((part, i) => (found.includes(part) ? <mark key={i}>{part}</mark> : part));
}

function AnswerJudgement({ name, answer }: { name: string; answer: Answer }) {
  const { t } = useI18n();
  const value = answer.state === "scored" ? `${t("score")} ${scoreText(answer.mean_score)} / 5` : t(STATE_LABELS[answer.state]);
  return (
    <div className="turn-score">
      <span className="badge">
        {name}: {value}
        {answer.runs > 1 && answer.run_scores.length > 0 && <> ({answer.run_scores.map((s) => (s === null ? "—" : s)).join(", ")})</>}
      </span>
      {notByModel(answer) && <span className="hint">⚠ {t("notModelEvaluated")}</span>}
      {answer.review_flags.map((flag) => (
        <span key={flag} className="review-flag">
          ⚑ {flag}
        </span>
      ))}
      <span className="hint">{answer.rationale}</span>
    </div>
  );
}

function Transcript({ turns, content }: { turns: Turn[]; content: ReportContent | null }) {
  const { t } = useI18n();
  return (
    <Section title={t("transcript")}>
      <ol className="transcript">
        {turns.map((turn) => {
          const judged = content?.competencies.flatMap((c) => c.answers.filter((a) => a.turn_id === turn.id).map((a) => ({ name: c.name, answer: a }))) ?? [];
          const quotes = judged.flatMap(({ answer }) => [...answer.evidence, ...answer.checks.flatMap((c) => c.quotes)]);
          return (
            <li key={turn.id} data-testid="transcript-turn">
              <p className="q">
                <strong>{t("question")} {turn.stage_index + 1}.</strong> {turn.question_text}
              </p>
              <p className="a">{turn.answer_text ? highlightEvidence(turn.answer_text, quotes) : t("noAnswer")}</p>
              {judged.map(({ name, answer }) => (
                <AnswerJudgement key={name} name={name} answer={answer} />
              ))}
            </li>
          );
        })}
      </ol>
    </Section>
  );
}
