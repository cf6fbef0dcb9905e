// The report, laid out for a two-minute review: a summary (recommendation and score only once the
// report is final), how it scores, what a person must look at, one card per competency with its
// checks and its evidence listed once, the recruiter's decision with who made it and when, pace,
// integrity flags and observations with their caveats, then the transcript with typed/spoken
// markers and the evidence highlighted. An unfinished report is fetched again until it is final.
import { useEffect, useRef, useState, type ReactNode } from "react";
import { ApiError, api, feedback as feedbackApi, reports, request, type InterviewFeedback, type Recommendation, type Report, type ReportContent, type Schemas, type Turn } from "../api/client";
import { ErrorNote } from "../auth/AuthForms";
import { useI18n, type MessageKey, type Translate } from "../i18n";
import { Link } from "../router";
import { ObservationCharts, PaceChart } from "./ObservationCharts";
import { QuestionFeedback } from "./QuestionFeedback";
import { ScoreFeedback } from "./ScoreFeedback";

type Competency = Schemas["CompetencyResult"];
type Answer = Schemas["AnswerScore"];
type CheckName = Schemas["CompetencyCheck"]["check"];
type UsedResume = Schemas["ReportResume"];
type Evidence = Schemas["EvidenceQuote"];
type FlagKind = Schemas["IntegrityFlagEntry"]["kind"];

/** How often an unfinished report is fetched again; evaluation takes seconds to minutes. */
export const REPORT_REFRESH_MS = 5000;

const REPORT_STATUS_LABELS: Record<Report["status"], MessageKey> = {
  pending: "reportStatusPending",
  ready: "reportStatusReady",
  failed: "reportStatusFailed",
};
// Stage keys of the scenarios (backend-core scenarios/*.json); "<base>_followup" is the follow-up of <base>.
const STAGE_LABELS: Record<string, MessageKey> = {
  intro: "stageIntro",
  experience: "stageExperience",
  skill: "stageSkill",
  communication: "stageCommunication",
  growth: "stageGrowth",
  problem_solving: "stageProblemSolving",
  responsibility: "stageResponsibility",
  motivation: "stageMotivation",
  final_statement: "stageFinalStatement",
};
// Flag kinds of the vision worker (ai-worker vision/aggregate.py): a short name, a sentence and its caveat.
const FLAG_TEXT: Record<FlagKind, { name: MessageKey; sentence: MessageKey; caveat: MessageKey }> = {
  no_face: { name: "flagNameNoFace", sentence: "flagNoFace", caveat: "flagNoFaceCaveat" },
  multiple_faces: { name: "flagNameMultipleFaces", sentence: "flagMultipleFaces", caveat: "flagMultipleFacesCaveat" },
  gaze_away: { name: "flagNameGazeAway", sentence: "flagGazeAway", caveat: "flagGazeAwayCaveat" },
};
const isFlagKind = (key: string): key is FlagKind => key in FLAG_TEXT;

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

/** A readable stage name: "skill_followup" becomes "Skills — follow-up"; an unknown key is shown without underscores. */
export function stageLabel(t: Translate, stageKey: string): string {
  const followup = stageKey.endsWith("_followup");
  const base = followup ? stageKey.slice(0, -"_followup".length) : stageKey;
  const name = base in STAGE_LABELS ? t(STAGE_LABELS[base]) : base.replace(/_/g, " ");
  return followup ? t("stageFollowup", { stage: name }) : name;
}

const isStageKey = (key: string) => key.replace(/_followup$/, "") in STAGE_LABELS;
const readableKey = (t: Translate, key: string) => (isFlagKind(key) ? t(FLAG_TEXT[key].name) : stageLabel(t, key));

/**
 * Review sentences the backend writes name stages and flag kinds by key ("Answer at stage 'skill': …",
 * "… answer(s) (skill, intro_followup)", "… raised (gaze_away)"); show readable names instead. Only known keys
 * are replaced, so ordinary words stay.
 */
export function withStageLabels(t: Translate, text: string): string {
  return text
    .replace(/'([a-z_]+)'/g, (quoted, key: string) => (isStageKey(key) ? `“${stageLabel(t, key)}”` : quoted))
    .replace(/\(([a-z_]+(?:, [a-z_]+)*)\)/g, (listed, keys: string) => {
      const parts = keys.split(", ");
      return parts.every((key) => isStageKey(key) || isFlagKind(key)) ? `(${parts.map((key) => readableKey(t, key)).join(", ")})` : listed;
    });
}

export function ReportPage({ interviewId }: { interviewId: string }) {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [feedback, setFeedback] = useState<InterviewFeedback | null>(null);
  const ready = report?.status === "ready" || report?.status === "failed";
  // The organisation's verdicts on the questions and scores, once: the controls keep them current.
  useEffect(() => {
    let cancelled = false;
    feedbackApi.get(interviewId).then(
      (found) => !cancelled && setFeedback(found),
      (e: Error) => !cancelled && setError(e.message),
    );
    return () => {
      cancelled = true;
    };
  }, [interviewId]);
  // Until the report is final, fetch it (and the transcript) again every few seconds; a missing report (404) is not ready yet.
  useEffect(() => {
    if (ready) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Both results are applied together: a ready report ends this effect (cancelled), so a
    // transcript arriving after it on its own would be dropped and the transcript stay empty.
    const load = () => {
      Promise.allSettled([api.turns(interviewId), reports.get(interviewId)]).then(([turnsResult, reportResult]) => {
        if (cancelled) return;
        if (turnsResult.status === "fulfilled") setTurns(turnsResult.value);
        else setError((turnsResult.reason as Error).message);
        if (reportResult.status === "fulfilled") setReport(reportResult.value);
        else if ((reportResult.reason as ApiError).status !== 404) setError((reportResult.reason as ApiError).message);
        timer = setTimeout(load, REPORT_REFRESH_MS);
      });
    };
    load();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [interviewId, ready]);
  return <ReportView interviewId={interviewId} report={report} turns={turns} error={error} onError={setError} onSaved={setReport} feedback={feedback} />;
}

export interface ReportViewProps {
  interviewId: string;
  report: Report | null;
  turns: Turn[];
  error: string | null;
  onError: (message: string) => void;
  onSaved: (report: Report) => void;
  /** The organisation's feedback on this interview; null while loading (the controls start empty). */
  feedback?: InterviewFeedback | null;
}

export function ReportView({ interviewId, report, turns, error, onError, onSaved, feedback = null }: ReportViewProps) {
  const { t } = useI18n();
  const content = report?.content ?? null;
  return (
    <article aria-labelledby="report-title" className="report">
      <p className="back-link">
        <Link href="/interviews">← {t("backToInterviews")}</Link>
      </p>
      <header className="page-head">
        <div>
          <h1 id="report-title">{t("reportTitle")}</h1>
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
          <SummaryCard report={report} content={content} />
          <ScoringBlock content={content} />
          <HumanReview content={content} />
          <CompetencyCards content={content} />
          <DecisionPanel interviewId={interviewId} report={report} onSaved={onSaved} />
          <SpeechFigures content={content} />
          <IntegrityFlags content={content} />
          <ObservationTimeline content={content} />
        </>
      )}
      <Transcript interviewId={interviewId} turns={turns} content={content} feedback={feedback} />
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
          <li key={reason}>{withStageLabels(t, reason)}</li>
        ))}
      </ul>
    </section>
  );
}

/** Candidate, job, status, and the recommendation and score only once the report is final. */
function SummaryCard({ report, content }: { report: Report; content: ReportContent }) {
  const { t } = useI18n();
  const final = report.status === "ready";
  let recommendation: ReactNode;
  if (!final) recommendation = t("reportPendingShort");
  else if (content.recommendation) recommendation = <span className={`badge rec-${content.recommendation}`}>{t(content.recommendation)}</span>;
  else if (content.scoring.state !== "validated") recommendation = t("notScoredByValidated");
  else recommendation = t("noRecommendation");
  return (
    <section className="card summary" aria-labelledby="summary-title" data-testid="summary">
      <h2 id="summary-title">{t("reportSummary")}</h2>
      <dl className="figures">
        <div>
          <dt>{t("candidate")}</dt>
          <dd>{content.candidate_email}</dd>
        </div>
        <div>
          <dt>{t("job")}</dt>
          <dd>{content.job_title}</dd>
        </div>
        <div>
          <dt>{t("status")}</dt>
          <dd data-testid="report-status">{t(REPORT_STATUS_LABELS[report.status])}</dd>
        </div>
        <div>
          <dt>{t("recommendation")}</dt>
          <dd className="recommendation" data-testid="recommendation">
            {recommendation}
          </dd>
        </div>
        <div>
          <dt>{t("overall")}</dt>
          <dd>
            <strong data-testid="overall-score">{final ? scoreText(content.weighted_score) : t("reportPendingShort")}</strong>
            {final && content.weighted_score !== null && " / 5"}
            {final && content.coverage !== null && (
              <small>
                {" "}
                · {t("coverage")} {(content.coverage * 100).toFixed(0)}%
              </small>
            )}
          </dd>
        </div>
      </dl>
      {final && <p data-testid="recommendation-reason">{content.recommendation_reason}</p>}
      <p className="hint">{t("recommendationNote")}</p>
    </section>
  );
}

/** Every quote of a competency once: its evidence plus any quote only a check cites. */
function uniqueEvidence(competency: Competency): Evidence[] {
  const seen = new Set<string>();
  return [...competency.evidence, ...competency.checks.flatMap((check) => check.evidence)].filter((q) => {
    const key = `${q.turn_id}\u0000${q.quote}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** "Specific example: yes": the quotes are listed once under the competency, not per check. */
function CheckLine({ check }: { check: Schemas["CompetencyCheck"] }) {
  const { t } = useI18n();
  return (
    <li className={check.met ? "check-met" : "check-unmet"} data-testid="check">
      {check.met ? "✓" : "✗"} {t(CHECK_LABELS[check.check])}: <strong>{check.met ? t("yes") : t("no")}</strong>
    </li>
  );
}

function CompetencyCards({ content }: { content: ReportContent }) {
  const { t } = useI18n();
  return (
    <Section title={t("evidenceByCompetency")} className="competency-cards">
      <ul className="competency-evidence">
        {content.competencies.map((c) => {
          const quotes = uniqueEvidence(c);
          return (
            <li key={c.key} className={`card state-${c.state}`} data-testid="competency-evidence">
              <h3>
                {c.name} <small>× {c.weight}</small>
              </h3>
              <p>
                {c.state === "scored" ? (
                  <strong className="badge" data-testid="competency-score">
                    {scoreText(c.score)} / 5
                  </strong>
                ) : (
                  <span className="badge" data-testid="competency-state">
                    {t(STATE_LABELS[c.state])}
                  </span>
                )}
              </p>
              <p>{c.reason}</p>
              {c.checks.length > 0 && (
                <ul className="checks" aria-label={`${t("checks")}: ${c.name}`}>
                  {c.checks.map((check) => (
                    <CheckLine key={check.check} check={check} />
                  ))}
                </ul>
              )}
              {quotes.length > 0 && (
                <>
                  <h4>{t("evidence")}</h4>
                  <ul className="evidence" data-testid="evidence">
                    {quotes.map((q) => (
                      <li key={`${q.turn_id}-${q.quote}`}>
                        <q>{q.quote}</q> <small>({stageLabel(t, q.stage_key)})</small>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </li>
          );
        })}
      </ul>
    </Section>
  );
}

const DECISIONS: Recommendation[] = ["advance", "hold", "reject"];

function DecisionPanel({ interviewId, report, onSaved }: { interviewId: string; report: Report; onSaved: (r: Report) => void }) {
  const { t, language } = useI18n();
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
  const current = report.decision;
  return (
    <Section title={t("decision")}>
      {current && (
        <p data-testid="decided-by">
          {t("decidedBy", { decision: t(current.decision), email: current.decided_by_email, date: new Date(current.decided_at).toLocaleString(language) })}
        </p>
      )}
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
      <PaceChart communication={c} stageName={(key) => stageLabel(t, key)} />
      <p className="hint">{t("speechNotScored")}</p>
    </Section>
  );
}

function IntegrityFlags({ content }: { content: ReportContent }) {
  const { t } = useI18n();
  return (
    <Section title={t("integrity")}>
      <p className="hint">{t("flagsCaveat")}</p>
      {content.integrity_flags.length === 0 ? (
        <p>✓ {t("noFlags")}</p>
      ) : (
        <ul>
          {content.integrity_flags.map((f, i) => (
            <li key={i} data-testid="integrity-flag">
              ⚑ <strong>{stageLabel(t, f.stage_key)}</strong>, {f.start_s.toFixed(0)}–{f.end_s.toFixed(0)} s:{" "}
              {t(FLAG_TEXT[f.kind].sentence, { seconds: (f.end_s - f.start_s).toFixed(0) })}
              <br />
              <small className="hint">{t(FLAG_TEXT[f.kind].caveat)}</small>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

const percent = (ratio: number | null) => (ratio === null ? "—" : `${(ratio * 100).toFixed(0)}%`);

/** "0 s neutral → 12 s smiling": consecutive frames with the same label are one step. */
function expressionSteps(timeline: [number, string][]): string {
  return timeline
    .filter(([, label], i) => i === 0 || timeline[i - 1][1] !== label)
    .map(([seconds, label]) => `${seconds.toFixed(0)} s ${label}`)
    .join(" → ");
}

/** Per-answer observations as a table, with the report's caveats (never scored, model limits) beside it. */
function ObservationTimeline({ content }: { content: ReportContent }) {
  const { t } = useI18n();
  const o = content.observations;
  const limitations = [...new Set(o.turns.flatMap((turn) => (turn.emotion ? [turn.emotion.limitations] : [])))];
  return (
    <Section title={t("timeline")}>
      <p className="hint">{o.notice}</p>
      {!o.gaze_included && !o.emotion_included ? (
        <p>{t("noTimeline")}</p>
      ) : (
        <table className="observations" data-testid="observations">
          <thead>
            <tr>
              <th scope="col">{t("obsStage")}</th>
              <th scope="col">{t("obsFace")}</th>
              {o.gaze_included && <th scope="col">{t("obsGaze")}</th>}
              {o.emotion_included && <th scope="col">{t("obsExpression")}</th>}
            </tr>
          </thead>
          <tbody>
            {o.turns.map((turn) => (
              <tr key={turn.turn_id}>
                <th scope="row">{stageLabel(t, turn.stage_key)}</th>
                <td>{percent(turn.face_present_ratio)}</td>
                {o.gaze_included && <td>{percent(turn.gaze_on_screen_ratio)}</td>}
                {o.emotion_included && <td>{turn.emotion ? expressionSteps(turn.emotion.timeline) : "—"}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ObservationCharts observations={o} stageName={(key) => stageLabel(t, key)} />
      {[...o.notes, ...limitations].map((note) => (
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

/** How each competency judged this answer: one badge per competency, and each rationale and flag only once. */
function AnswerJudgements({ judged }: { judged: { name: string; answer: Answer }[] }) {
  const { t } = useI18n();
  if (judged.length === 0) return null;
  const rationales = [...new Set(judged.map(({ answer }) => answer.rationale).filter(Boolean))];
  const flags = [...new Set(judged.flatMap(({ answer }) => answer.review_flags))];
  return (
    <div className="turn-score">
      {judged.map(({ name, answer }) => (
        <span key={name} className="badge">
          {name}: {answer.state === "scored" ? `${t("score")} ${scoreText(answer.mean_score)} / 5` : t(STATE_LABELS[answer.state])}
          {answer.runs > 1 && answer.run_scores.length > 0 && <> ({answer.run_scores.map((s) => (s === null ? "—" : s)).join(", ")})</>}
        </span>
      ))}
      {judged.some(({ answer }) => notByModel(answer)) && <span className="hint">⚠ {t("notModelEvaluated")}</span>}
      {flags.map((flag) => (
        <span key={flag} className="review-flag">
          ⚑ {flag}
        </span>
      ))}
      {rationales.map((rationale) => (
        <span key={rationale} className="hint">
          {rationale}
        </span>
      ))}
    </div>
  );
}

/** A spoken answer's recording, fetched only when asked for: it needs the bearer token, so it is
 * played from an object URL, revoked when the player goes away (it holds the whole file). */
function AnswerRecording({ interviewId, turn }: { interviewId: string; turn: Turn }) {
  const { t } = useI18n();
  const [url, setUrl] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [gone, setGone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  useEffect(() => (url ? () => URL.revokeObjectURL(url) : undefined), [url]);
  const play = () => {
    setLoading(true);
    setError(null);
    reports.answerAudio(interviewId, turn.id).then(
      // Unmounted while loading: no URL is made, so none is left unrevoked.
      (blob) => mounted.current && setUrl(URL.createObjectURL(blob)),
      (e: ApiError) => {
        if (!mounted.current) return;
        setLoading(false);
        // Typed, or removed by the retention period: nothing to retry.
        if (e.status === 404) setGone(true);
        else setError(e.message);
      },
    );
  };
  const label = t("answerRecordingLabel", { number: turn.stage_index + 1 });
  if (url) return <audio controls autoPlay src={url} aria-label={label} data-testid="answer-audio" />;
  if (gone)
    return (
      <p className="hint" data-testid="answer-audio-gone">
        {t("answerRecordingGone")}
      </p>
    );
  return (
    <div className="answer-audio">
      <button type="button" onClick={play} disabled={loading} aria-label={`${t("playAnswer")}: ${label}`}>
        ▶ {t("playAnswer")}
      </button>
      <ErrorNote error={error} />
    </div>
  );
}

function Transcript({ interviewId, turns, content, feedback }: { interviewId: string; turns: Turn[]; content: ReportContent | null; feedback: InterviewFeedback | null }) {
  const { t } = useI18n();
  const questionVerdicts = new Map((feedback?.questions ?? []).map((row) => [row.turn_id, row]));
  const scoreVerdicts = new Map((feedback?.scores ?? []).map((row) => [`${row.turn_id}:${row.competency}`, row]));
  return (
    <Section title={t("transcript")}>
      <ol className="transcript">
        {turns.map((turn) => {
          const judged = content?.competencies.flatMap((c) => c.answers.filter((a) => a.turn_id === turn.id).map((a) => ({ key: c.key, name: c.name, answer: a }))) ?? [];
          const questionVerdict = questionVerdicts.get(turn.id) ?? null;
          const quotes = judged.flatMap(({ answer }) => [...answer.evidence, ...answer.checks.flatMap((c) => c.quotes)]);
          return (
            <li key={turn.id} data-testid="transcript-turn">
              <p className="q">
                <strong>
                  {t("question")} {turn.stage_index + 1} · {stageLabel(t, turn.stage_key)}.
                </strong>{" "}
                {turn.question_text}
              </p>
              {turn.answer_kind && (
                <p className="answer-kind" data-testid="answer-kind">
                  {turn.answer_kind === "audio" ? `🎙 ${t("answerSpoken")}` : `⌨ ${t("answerTyped")}`}
                </p>
              )}
              {turn.answer_kind === "audio" && <AnswerRecording interviewId={interviewId} turn={turn} />}
              <p className="a">{turn.answer_text ? highlightEvidence(turn.answer_text, quotes) : t("noAnswer")}</p>
              <AnswerJudgements judged={judged} />
              {/* Only questions a model wrote; keyed by what was loaded, so verdicts arriving after the first render are shown. */}
              {turn.question_text && turn.stage_type !== "template" && (
                <QuestionFeedback key={questionVerdict?.updated_at ?? "none"} interviewId={interviewId} turnId={turn.id} number={turn.stage_index + 1} current={questionVerdict} />
              )}
              {judged.map(({ key, name, answer }) => {
                const scoreVerdict = scoreVerdicts.get(`${turn.id}:${key}`) ?? null;
                return (
                  <ScoreFeedback
                    key={`${key}:${scoreVerdict?.updated_at ?? "none"}`}
                    interviewId={interviewId}
                    turnId={turn.id}
                    competency={key}
                    competencyName={name}
                    meanScore={answer.mean_score}
                    current={scoreVerdict}
                  />
                );
              })}
            </li>
          );
        })}
      </ol>
    </Section>
  );
}
