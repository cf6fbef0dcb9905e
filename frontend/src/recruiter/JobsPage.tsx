// Jobs: description, competencies with weights, language and scenario; invite candidates.
import { useEffect, useState, type FormEvent } from "react";
import { api, type Competency, type Job } from "../api/client";
import { ErrorNote, Field } from "../auth/AuthForms";
import { CopyableLink } from "../CopyableLink";
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
          onCreated={() => {
            setCreating(false);
            void load();
          }}
        />
      )}
      <ul className="job-list">
        {jobs.map((job) => (
          <JobCard key={job.id} job={job} />
        ))}
      </ul>
    </section>
  );
}

function JobForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [language, setLanguage] = useState<"en" | "ko">("en");
  const [scenario, setScenario] = useState("default");
  const [competencies, setCompetencies] = useState<Competency[]>([
    { key: "job_skill", name: "Job skills", description: "", weight: 3 },
    { key: "communication", name: "Communication", description: "", weight: 1 },
  ]);
  const [error, setError] = useState<string | null>(null);
  const update = (index: number, change: Partial<Competency>) =>
    setCompetencies(competencies.map((c, i) => (i === index ? { ...c, ...change } : c)));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await api.createJob({ title, description, language, scenario_key: scenario, competencies });
      onCreated();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-label={t("newJob")}>
      <Field label={t("jobTitle")} name="title" value={title} onChange={setTitle} />
      <div className="field">
        <label htmlFor="job-description">{t("jobDescription")}</label>
        <textarea id="job-description" rows={4} required value={description} onChange={(e) => setDescription(e.target.value)} />
      </div>
      <div className="row">
        <div className="field">
          <label htmlFor="job-language">{t("jobLanguage")}</label>
          <select id="job-language" value={language} onChange={(e) => setLanguage(e.target.value as "en" | "ko")}>
            <option value="en">English</option>
            <option value="ko">한국어</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="job-scenario">{t("jobScenario")}</label>
          <select id="job-scenario" value={scenario} onChange={(e) => setScenario(e.target.value)}>
            {SCENARIOS.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
      </div>
      <fieldset>
        <legend>{t("competencies")}</legend>
        {competencies.map((c, i) => (
          <div className="row" key={i}>
            <input aria-label={`${t("competencyName")} ${i + 1}`} value={c.name} onChange={(e) => update(i, { name: e.target.value, key: e.target.value.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "") || `c${i}` })} />
            <input aria-label={`${t("weight")} ${i + 1}`} type="number" min={0.1} max={100} step={0.1} value={c.weight} onChange={(e) => update(i, { weight: Number(e.target.value) })} />
            <button type="button" onClick={() => setCompetencies(competencies.filter((_, j) => j !== i))} disabled={competencies.length === 1}>
              {t("remove")}
            </button>
          </div>
        ))}
        <button type="button" onClick={() => setCompetencies([...competencies, { key: `competency_${competencies.length + 1}`, name: "", description: "", weight: 1 }])}>
          + {t("addCompetency")}
        </button>
      </fieldset>
      <ErrorNote error={error} />
      <button type="submit" className="primary">
        {t("create")}
      </button>
    </form>
  );
}

function JobCard({ job }: { job: Job }) {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [invited, setInvited] = useState<{ url: string; email: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const invite = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const created = await api.createInterview({ job_id: job.id, candidate_email: email });
      setInvited({ url: created.invite_url, email: created.interview.candidate_email });
      setEmail("");
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <li className="card">
      <h2>{job.title}</h2>
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
        <Field label={t("candidateEmail")} name={`invite-${job.id}`} type="email" value={email} onChange={setEmail} />
        <button type="submit">{t("createInvite")}</button>
      </form>
      <ErrorNote error={error} />
      {invited && (
        <p className="notice success">
          ✓ {t("inviteMailed", { email: invited.email })} <CopyableLink url={invited.url} testId="invite-url" />
        </p>
      )}
    </li>
  );
}
