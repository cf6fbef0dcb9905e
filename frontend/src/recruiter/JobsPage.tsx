// Jobs: description, competencies with weights, language and scenario; invite candidates.
import { useEffect, useState, type FormEvent } from "react";
import { api, type Competency, type Job } from "../api/client";
import { ErrorNote, Field } from "../auth/AuthForms";
import { CopyableLink } from "../CopyableLink";
import { formErrors, NO_ERRORS, type FormErrors } from "../formErrors";
import { useI18n, type Language, type MessageKey } from "../i18n";

const SCENARIOS = ["default", "short"];
// How each packaged scenario reads in the form and on the card (scenarios/*.json): its name and
// its number of questions, so "default" and "short" are not bare keys.
const SCENARIO_LABEL: Record<string, MessageKey> = { default: "scenarioDefault", short: "scenarioShort" };

export function JobsPage() {
  const { t } = useI18n();
  const [jobs, setJobs] = useState<Job[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const load = () => api.listJobs().then(setJobs, (e: Error) => setError(e.message));
  useEffect(() => {
    void load();
  }, []);
  const active = jobs.filter((job) => !job.archived_at);
  const archived = jobs.filter((job) => job.archived_at);
  return (
    <section aria-labelledby="jobs-title">
      <div className="page-head">
        <h1 id="jobs-title">{t("jobsTitle")}</h1>
        <button type="button" className="primary" aria-expanded={creating} onClick={() => setCreating(!creating)}>
          + {t("newJob")}
        </button>
      </div>
      <ErrorNote error={error} />
      {creating && (
        <JobForm
          onSaved={() => {
            setCreating(false);
            void load();
          }}
          onCancel={() => setCreating(false)}
        />
      )}
      <ul className="job-list">
        {active.map((job) => (
          <JobCard key={job.id} job={job} onSaved={() => void load()} />
        ))}
      </ul>
      {/* Archived jobs stay out of the way but can be restored; their interviews keep them. */}
      {archived.length > 0 && (
        <details className="archived-jobs">
          <summary>{t("archivedJobs", { count: archived.length })}</summary>
          <ul className="job-list">
            {archived.map((job) => (
              <ArchivedJobCard key={job.id} job={job} onRestored={() => void load()} />
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

// The server's limits (jobs/schemas.py): typing stops there, and a counter shows how much is used.
const MAX_TITLE = 200;
const MAX_DESCRIPTION = 20000;
const MAX_COMPETENCY_NAME = 120;
const MAX_COMPETENCIES = 20;
const MAX_COMPETENCY_DESCRIPTION = 2000;
const MAX_ANCHOR = 500;
const LEVELS = ["level_1", "level_3", "level_5"] as const;
type Rubric = NonNullable<Competency["rubric"]>;

/** The inputs the form has, as the server names them in a 422; the rest go to the note. */
const shownField = (field: string) =>
  field === "title" ||
  field === "description" ||
  field === "competencies" ||
  /^competencies\.\d+\.(name|key|weight|description|rubric)$/.test(field) ||
  /^competencies\.\d+\.rubric\.level_[135]$/.test(field);

// A new job starts with these, worded in the interview's language (the server's own defaults,
// jobs/schemas.py, apply only when none are sent).
const DEFAULT_COMPETENCIES: Record<Language, Competency[]> = {
  en: [
    { key: "job_skill", name: "Job skills", description: "Knowledge and skills the role needs", weight: 3 },
    { key: "communication", name: "Communication", description: "Clear, structured explanation", weight: 1 },
  ],
  ko: [
    { key: "job_skill", name: "직무 역량", description: "직무에 필요한 지식과 기술", weight: 3 },
    { key: "communication", name: "의사소통", description: "명확하고 구조적인 설명", weight: 1 },
  ],
};

const sameCompetencies = (a: Competency[], b: Competency[]) => JSON.stringify(a) === JSON.stringify(b);

/** A scenario key as the recruiter reads it: "Standard interview: 15 questions". */
export function scenarioLabel(key: string, t: (key: MessageKey) => string): string {
  return SCENARIO_LABEL[key] ? t(SCENARIO_LABEL[key]) : key;
}

/** Create a job, or with `job` change it. */
export function JobForm({ job, onSaved, onCancel }: { job?: Job; onSaved: () => void; onCancel?: () => void }) {
  const { t } = useI18n();
  const [title, setTitle] = useState(job?.title ?? "");
  const [description, setDescription] = useState(job?.description ?? "");
  const [language, setLanguage] = useState<"en" | "ko">(job?.language ?? "en");
  const [scenario, setScenario] = useState(job?.scenario_key ?? "default");
  const [competencies, setCompetencies] = useState<Competency[]>(job?.competencies ?? DEFAULT_COMPETENCIES.en);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const prefix = job ? `job-${job.id}` : "job";
  const update = (index: number, change: Partial<Competency>) =>
    setCompetencies(competencies.map((c, i) => (i === index ? { ...c, ...change } : c)));
  const changeLanguage = (next: Language) => {
    setLanguage(next);
    // Untouched defaults follow the language; competencies the recruiter wrote stay as written.
    if (sameCompetencies(competencies, DEFAULT_COMPETENCIES[language])) setCompetencies(DEFAULT_COMPETENCIES[next]);
  };
  /** One anchor typed; all three empty go back to the default anchors (rubric null). */
  const updateAnchor = (index: number, level: (typeof LEVELS)[number], value: string) => {
    const current: Rubric = competencies[index].rubric ?? { level_1: "", level_3: "", level_5: "" };
    const next = { ...current, [level]: value };
    update(index, { rubric: LEVELS.every((l) => next[l] === "") ? null : next });
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const body = { title, description, language, scenario_key: scenario, competencies };
      if (job) await api.updateJob(job.id, body);
      else await api.createJob(body);
      onSaved();
    } catch (e) {
      setErrors(formErrors(e, shownField, t("checkFields")));
    } finally {
      setBusy(false);
    }
  };
  const scenarios = SCENARIOS.includes(scenario) ? SCENARIOS : [...SCENARIOS, scenario];
  return (
    <form className="card" onSubmit={submit} aria-label={job ? t("editJobNamed", { title: job.title }) : t("newJob")}>
      <Field label={t("jobTitle")} name={`${prefix}-title`} value={title} onChange={setTitle} maxLength={MAX_TITLE} counter error={errors.fields.title} />
      <Field
        label={t("jobDescription")}
        name={`${prefix}-description`}
        value={description}
        onChange={setDescription}
        rows={4}
        maxLength={MAX_DESCRIPTION}
        counter
        error={errors.fields.description}
      />
      <div className="row">
        <div className="field">
          <label htmlFor={`${prefix}-language`}>{t("jobLanguage")}</label>
          <select id={`${prefix}-language`} value={language} onChange={(e) => changeLanguage(e.target.value as Language)}>
            <option value="en">English</option>
            <option value="ko">한국어</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${prefix}-scenario`}>{t("jobScenario")}</label>
          <select id={`${prefix}-scenario`} value={scenario} aria-describedby={`${prefix}-scenario-hint`} onChange={(e) => setScenario(e.target.value)}>
            {scenarios.map((s) => (
              <option key={s} value={s}>
                {scenarioLabel(s, t)}
              </option>
            ))}
          </select>
          <small id={`${prefix}-scenario-hint`} className="hint">
            {t("scenarioHint")}
          </small>
        </div>
      </div>
      <fieldset aria-describedby={errors.fields.competencies ? `${prefix}-competencies-error` : undefined}>
        <legend>{t("competencies")}</legend>
        {competencies.map((c, i) => {
          // The key is made from the name, so a problem with either is the name's.
          const nameProblem = errors.fields[`competencies.${i}.name`] ?? errors.fields[`competencies.${i}.key`];
          const weightProblem = errors.fields[`competencies.${i}.weight`];
          const descriptionProblem = errors.fields[`competencies.${i}.description`];
          const rubricProblem = [errors.fields[`competencies.${i}.rubric`], ...LEVELS.map((l) => errors.fields[`competencies.${i}.rubric.${l}`])]
            .filter(Boolean)
            .join(" ");
          const base = `${prefix}-competency-${i}`;
          const errorId = `${base}-error`;
          // Each visible label says what the input is; the hidden number tells rows apart for screen readers.
          const number = <span className="visually-hidden"> {i + 1}</span>;
          const defaults = job?.effective_rubrics?.[c.key];
          return (
            <fieldset key={i} className="competency-row">
              <legend className="visually-hidden">{`${t("competencyName")} ${i + 1}`}</legend>
              <div className="row">
                <div className="field">
                  <label htmlFor={`${base}-name`}>
                    {t("competencyName")}
                    {number}
                  </label>
                  <input
                    id={`${base}-name`}
                    value={c.name}
                    maxLength={MAX_COMPETENCY_NAME}
                    aria-invalid={nameProblem ? true : undefined}
                    aria-describedby={nameProblem ? errorId : undefined}
                    onChange={(e) => update(i, { name: e.target.value, key: e.target.value.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "") || `c${i}` })}
                  />
                </div>
                <div className="field weight-field">
                  <label htmlFor={`${base}-weight`}>
                    {t("weight")}
                    {number}
                  </label>
                  <input
                    id={`${base}-weight`}
                    type="number"
                    min={0.1}
                    max={100}
                    step={0.1}
                    value={c.weight}
                    aria-invalid={weightProblem ? true : undefined}
                    aria-describedby={[`${base}-weight-hint`, weightProblem && errorId].filter(Boolean).join(" ")}
                    onChange={(e) => update(i, { weight: Number(e.target.value) })}
                  />
                  <small id={`${base}-weight-hint`} className="hint">
                    {t("weightHint")}
                  </small>
                </div>
                <button
                  type="button"
                  className="danger"
                  aria-label={`${t("remove")}: ${c.name || `${t("competencyName")} ${i + 1}`}`}
                  onClick={() => setCompetencies(competencies.filter((_, j) => j !== i))}
                  disabled={competencies.length === 1}
                >
                  {t("remove")}
                </button>
              </div>
              {(nameProblem || weightProblem) && (
                <small id={errorId} className="field-error">
                  {[nameProblem, weightProblem].filter(Boolean).join(" ")}
                </small>
              )}
              <Field
                label={`${t("competencyDescription")} ${i + 1}`}
                name={`${base}-description`}
                value={c.description ?? ""}
                onChange={(value) => update(i, { description: value })}
                required={false}
                rows={2}
                maxLength={MAX_COMPETENCY_DESCRIPTION}
                error={descriptionProblem}
              />
              <details className="rubric">
                <summary>{t("rubricTitle")}</summary>
                <p className="hint">{t("rubricHint")}</p>
                {LEVELS.map((level) => (
                  <Field
                    key={level}
                    label={`${t(level === "level_1" ? "rubricLevel1" : level === "level_3" ? "rubricLevel3" : "rubricLevel5")} (${t("competencyName")} ${i + 1})`}
                    name={`${base}-${level}`}
                    value={c.rubric?.[level] ?? ""}
                    onChange={(value) => updateAnchor(i, level, value)}
                    required={false}
                    rows={2}
                    maxLength={MAX_ANCHOR}
                    hint={defaults && !c.rubric ? t("rubricDefault", { text: defaults[level] }) : undefined}
                  />
                ))}
                {rubricProblem && <small className="field-error">{rubricProblem}</small>}
              </details>
            </fieldset>
          );
        })}
        {errors.fields.competencies && (
          <small id={`${prefix}-competencies-error`} className="field-error">
            {errors.fields.competencies}
          </small>
        )}
        <button
          type="button"
          disabled={competencies.length >= MAX_COMPETENCIES}
          onClick={() => setCompetencies([...competencies, { key: `competency_${competencies.length + 1}`, name: "", description: "", weight: 1 }])}
        >
          + {t("addCompetency")}
        </button>
      </fieldset>
      <ErrorNote error={errors.general} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t("working") : job ? t("save") : t("create")}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {t("cancel")}
          </button>
        )}
      </div>
    </form>
  );
}

function JobCard({ job, onSaved }: { job: Job; onSaved: () => void }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const [email, setEmail] = useState("");
  const [invited, setInvited] = useState<{ url: string; email: string } | null>(null);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [archiveError, setArchiveError] = useState<string | null>(null);
  const archive = () => {
    setArchiveError(null);
    api.updateJob(job.id, { archived: true }).then(onSaved, (e: Error) => setArchiveError(e.message));
  };
  const invite = async (event: FormEvent) => {
    event.preventDefault();
    setErrors(NO_ERRORS);
    try {
      const created = await api.createInterview({ job_id: job.id, candidate_email: email });
      setInvited({ url: created.invite_url, email: created.interview.candidate_email });
      setEmail("");
    } catch (e) {
      setErrors(formErrors(e, (field) => field === "candidate_email", t("checkFields")));
    }
  };
  if (editing)
    return (
      <li>
        <JobForm
          job={job}
          onSaved={() => {
            setEditing(false);
            onSaved();
          }}
          onCancel={() => setEditing(false)}
        />
      </li>
    );
  return (
    <li className="card">
      <div className="page-head">
        <h2>{job.title}</h2>
        <div className="row">
          <button type="button" aria-label={t("editJobNamed", { title: job.title })} onClick={() => setEditing(true)}>
            {t("editJob")}
          </button>
          <button type="button" aria-label={t("archiveJobNamed", { title: job.title })} aria-describedby={`archive-hint-${job.id}`} onClick={archive}>
            {t("archiveJob")}
          </button>
        </div>
      </div>
      <small id={`archive-hint-${job.id}`} className="visually-hidden">
        {t("archiveJobHint")}
      </small>
      <ErrorNote error={archiveError} />
      <p className="meta">
        {job.language.toUpperCase()} · {t("jobScenario")}: {scenarioLabel(job.scenario_key, t)}
      </p>
      <p className="description">{job.description}</p>
      <ul className="chips" aria-label={t("competencies")}>
        {job.competencies.map((c) => (
          <li key={c.key}>
            {c.name} · {t("weightShort", { weight: c.weight })}
          </li>
        ))}
      </ul>
      <form className="row" onSubmit={invite}>
        <Field label={t("candidateEmail")} name={`invite-${job.id}`} type="email" value={email} onChange={setEmail} maxLength={320} error={errors.fields.candidate_email} />
        <button type="submit">{t("createInvite")}</button>
      </form>
      <ErrorNote error={errors.general} />
      {invited && (
        <p className="notice success">
          ✓ {t("inviteMailed", { email: invited.email })} <CopyableLink url={invited.url} testId="invite-url" />
        </p>
      )}
    </li>
  );
}

/** An archived job: named, dated, and one click from being active again. */
function ArchivedJobCard({ job, onRestored }: { job: Job; onRestored: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const restore = () => {
    setError(null);
    api.updateJob(job.id, { archived: false }).then(onRestored, (e: Error) => setError(e.message));
  };
  return (
    <li className="card">
      <div className="page-head">
        <h2>{job.title}</h2>
        <button type="button" aria-label={t("restoreJobNamed", { title: job.title })} onClick={restore}>
          {t("restoreJob")}
        </button>
      </div>
      <p className="meta">{t("archivedOn", { date: new Date(job.archived_at ?? "").toLocaleDateString() })}</p>
      <ErrorNote error={error} />
    </li>
  );
}
