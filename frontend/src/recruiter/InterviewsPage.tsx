// Interviews for triage: who, for which job, how far, the report's score and recommendation and
// the decision; filtered by status and job, searched by candidate e-mail.
import { useEffect, useState } from "react";
import { api, type InterviewStatus, type Job, type Schemas } from "../api/client";
import { ErrorNote } from "../auth/AuthForms";
import { ConfirmButton } from "../ConfirmButton";
import { useI18n, type Translate } from "../i18n";
import { INTERVIEW_STATUS_LABELS } from "../interviewStatus";
import { Link } from "../router";

// Recruiters and admins get these rows from GET /interviews (candidates get InterviewRead).
type InterviewRow = Schemas["RecruiterInterviewRead"];

const STATUSES: InterviewStatus[] = ["scheduled", "in_progress", "completed", "abandoned", "expired", "cancelled"];
// The server lets only these become "cancelled" (interviews/state_machine.py).
const CANCELLABLE: InterviewStatus[] = ["scheduled", "in_progress"];
/** The report's overall score and recommendation as the report shows them: nothing is computed
 * here, and a report without numbers (evaluator not validated) says so rather than showing one. */
function reportCell(row: InterviewRow, t: Translate): string {
  // The report is assembled once the interview completes, and stays pending while answers are
  // still being evaluated.
  if (row.report_status === "pending" || (row.report_status === null && row.status === "completed")) return t("reportPendingShort");
  if (row.report_status !== "ready") return "—";
  const parts = [row.weighted_score === null ? null : `${row.weighted_score.toFixed(1)} / 5`, row.recommendation ? t(row.recommendation) : null];
  const shown = parts.filter((part): part is string => part !== null);
  return shown.length > 0 ? shown.join(" · ") : t("notScored");
}

export function InterviewsPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState("");
  const [jobId, setJobId] = useState("");
  const [search, setSearch] = useState("");
  const [interviews, setInterviews] = useState<InterviewRow[] | null>(null);
  const [jobs, setJobs] = useState<Record<string, Job>>({});
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.listJobs().then((list) => setJobs(Object.fromEntries(list.map((j) => [j.id, j]))), () => undefined);
  }, []);
  useEffect(() => {
    const timer = window.setTimeout(
      () => api.listInterviews({ status, search, job_id: jobId }).then((rows) => setInterviews(rows as InterviewRow[]), (e: Error) => setError(e.message)),
      250,
    );
    return () => window.clearTimeout(timer);
  }, [status, search, jobId]);
  const jobList = Object.values(jobs).sort((a, b) => a.title.localeCompare(b.title));
  return (
    <section aria-labelledby="interviews-title">
      <h1 id="interviews-title">{t("interviewsTitle")}</h1>
      <div className="row filters">
        <div className="field">
          <label htmlFor="status-filter">{t("statusFilter")}</label>
          <select id="status-filter" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t("allStatuses")}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(INTERVIEW_STATUS_LABELS[s])}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="job-filter">{t("jobFilter")}</label>
          <select id="job-filter" value={jobId} onChange={(e) => setJobId(e.target.value)}>
            <option value="">{t("allJobs")}</option>
            {jobList.map((j) => (
              <option key={j.id} value={j.id}>
                {j.title}
              </option>
            ))}
          </select>
        </div>
        <div className="field grow">
          <label htmlFor="interview-search">{t("search")}</label>
          <input id="interview-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
      </div>
      <ErrorNote error={error} />
      {interviews?.length === 0 && <p>{t("noneFound")}</p>}
      {interviews && interviews.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("candidate")}</th>
              <th scope="col">{t("job")}</th>
              <th scope="col">{t("progress")}</th>
              <th scope="col">{t("status")}</th>
              <th scope="col">{t("scoreAndRecommendation")}</th>
              <th scope="col">{t("decisionColumn")}</th>
              <th scope="col">{t("created")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("openReport")}</span>
              </th>
              <th scope="col">
                <span className="visually-hidden">{t("actionsColumn")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {interviews.map((i) => (
              <tr key={i.id}>
                <td>
                  {i.candidate_name && <div className="candidate-name">{i.candidate_name}</div>}
                  <div className={i.candidate_name ? "candidate-email" : undefined}>{i.candidate_email}</div>
                </td>
                <td>{jobs[i.job_id]?.title ?? "—"}</td>
                <td>
                  <span aria-hidden="true">
                    {i.answered_stages}/{i.stage_count}
                  </span>
                  <span className="visually-hidden">{t("progressOf", { answered: i.answered_stages, total: i.stage_count })}</span>
                </td>
                <td>
                  <span className={`badge status-${i.status}`}>{t(INTERVIEW_STATUS_LABELS[i.status])}</span>
                </td>
                <td>{reportCell(i, t)}</td>
                <td>{i.decision ? t(i.decision) : "—"}</td>
                <td>{new Date(i.created_at).toLocaleString()}</td>
                <td>
                  <Link href={`/interviews/${i.id}/report`}>{t("openReport")}</Link>
                </td>
                <td>
                  {CANCELLABLE.includes(i.status) && (
                    <ConfirmButton
                      label={t("cancelInterview")}
                      ariaLabel={t("cancelInterviewWith", { email: i.candidate_email })}
                      question={t("cancelInterviewQuestion", { email: i.candidate_email })}
                      confirmLabel={t("cancelInterviewConfirm")}
                      dismissLabel={t("keepInterview")}
                      onConfirm={() =>
                        api.cancelInterview(i.id).then(
                          // The answer is the plain interview: the row keeps its triage fields.
                          (changed) => setInterviews((list) => list?.map((x) => (x.id === changed.id ? { ...x, ...changed } : x)) ?? null),
                          (e: Error) => setError(e.message),
                        )
                      }
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
