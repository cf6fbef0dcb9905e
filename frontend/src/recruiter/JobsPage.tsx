// Jobs: description, competencies with weights, language and scenario; invite candidates.
import { useEffect, useState, type FormEvent } from "react";
import { api, type Competency, type Job } from "../api/client";
import { ErrorNote, Field } from "../auth/AuthForms";
import { CopyableLink } from "../CopyableLink";
import { formErrors, NO_ERRORS, type FormErrors } from "../formErrors";
import { useI18n } from "../i18n";

const SCENARIOS = ["default", "short"];

export function JobsPage() {
  const { t } = useI18n();
  const [jobs, setJobs] = useState<Job[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const load = () => api.listJobs().then(setJobs, (e: Error) => setError(e.message));
  useEffect(() => {
    void load();
  }, []);
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
        {jobs.map((job) => (
          <JobCard key={job.id} job={job} onSaved={() => void load()} />
        ))}
      </ul>
    </section>
  );
}

// The server's limits (jobs/schemas.py): typing stops there, and a counter shows how much is used.
const MAX_TITLE = 200;
const MAX_DESCRIPTION = 20000;
const MAX_COMPETENCY_NAME = 120;
const MAX_COMPETENCIES = 20;

/** The inputs the form has, as the server names them in a 422; the rest go to the note. */
const shownField = (field: string) =>
  field === "title" || field === "description" || field === "competencies" || /^competencies\.\d+\.(name|key|weight)$/.test(field);

const DEFAULT_COMPETENCIES: Competency[] = [
  { key: "job_skill", name: "Job skills", description: "", weight: 3 },
  { key: "communication", name: "Communication", description: "", weight: 1 },
];

/** Create a job, or with `job` change it. */
export function JobForm({ job, onSaved, onCancel }: { job?: Job; onSaved: () => void; onCancel?: () => void }) {
  const { t } = useI18n();
  const [title, setTitle] = useState(job?.title ?? "");
  const [description, setDescription] = useState(job?.description ?? "");
  const [language, setLanguage] = useState<"en" | "ko">(job?.language ?? "en");
  const [scenario, setScenario] = useState(job?.scenario_key ?? "default");
  const [competencies, setCompetencies] = useState<Competency[]>(job?.competencies ?? DEFAULT_COMPETENCIES);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const prefix = job ? `job-${job.id}` : "job";
  const update = (index: number, change: Partial<Competency>) =>
    setCompetencies(competencies.map((c, i) => (i === index ? { ...c, ...change } : c)));
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
          <select id={`${prefix}-language`} value={language} onChange={(e) => setLanguage(e.target.value as "en" | "ko")}>
            <option value="en">English</option>
            <option value="ko">한국어</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${prefix}-scenario`}>{t("jobScenario")}</label>
          <select id={`${prefix}-scenario`} value={scenario} onChange={(e) => setScenario(e.target.value)}>
            {scenarios.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
      </div>
      <fieldset aria-describedby={errors.fields.competencies ? `${prefix}-competencies-error` : undefined}>
        <legend>{t("competencies")}</legend>
        {competencies.map((c, i) => {
          // The key is made from the name, so a problem with either is the name's.
          const nameProblem = errors.fields[`competencies.${i}.name`] ?? errors.fields[`competencies.${i}.key`];
          const weightProblem = errors.fields[`competencies.${i}.weight`];
          const errorId = `${prefix}-competency-${i}-error`;
          return (
            <div key={i}>
              <div className="row">
                <input
                  aria-label={`${t("competencyName")} ${i + 1}`}
                  value={c.name}
                  maxLength={MAX_COMPETENCY_NAME}
                  aria-invalid={nameProblem ? true : undefined}
                  aria-describedby={nameProblem ? errorId : undefined}
                  onChange={(e) => update(i, { name: e.target.value, key: e.target.value.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "") || `c${i}` })}
                />
                <input
                  aria-label={`${t("weight")} ${i + 1}`}
                  type="number"
                  min={0.1}
                  max={100}
                  step={0.1}
                  value={c.weight}
                  aria-invalid={weightProblem ? true : undefined}
                  aria-describedby={weightProblem ? errorId : undefined}
                  onChange={(e) => update(i, { weight: Number(e.target.value) })}
                />
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
            </div>
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
        <button type="button" aria-label={t("editJobNamed", { title: job.title })} onClick={() => setEditing(true)}>
          {t("editJob")}
        </button>
      </div>
      <p className="meta">
        {job.language.toUpperCase()} · {t("jobScenario")}: {job.scenario_key}
      </p>
      <p className="description">{job.description}</p>
      <ul className="chips" aria-label={t("competencies")}>
        {job.competencies.map((c) => (
          <li key={c.key}>
            {c.name} × {c.weight}
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
