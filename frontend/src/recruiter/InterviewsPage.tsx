// Interviews with status filter and search by candidate e-mail.
import { useEffect, useState } from "react";
import { api, type Interview, type InterviewStatus, type Job } from "../api/client";
import { ErrorNote } from "../auth/AuthForms";
import { ConfirmButton } from "../ConfirmButton";
import { useI18n } from "../i18n";
import { Link } from "../router";

const STATUSES: InterviewStatus[] = ["scheduled", "in_progress", "completed", "abandoned", "expired", "cancelled"];
// The server lets only these become "cancelled" (interviews/state_machine.py).
const CANCELLABLE: InterviewStatus[] = ["scheduled", "in_progress"];

export function InterviewsPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState("");
  const [search, setSearch] = useState("");
  const [interviews, setInterviews] = useState<Interview[] | null>(null);
  const [jobs, setJobs] = useState<Record<string, Job>>({});
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.listJobs().then((list) => setJobs(Object.fromEntries(list.map((j) => [j.id, j]))), () => undefined);
  }, []);
  useEffect(() => {
    const timer = window.setTimeout(() => api.listInterviews({ status, search }).then(setInterviews, (e: Error) => setError(e.message)), 250);
    return () => window.clearTimeout(timer);
  }, [status, search]);
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
                {s.replace("_", " ")}
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
              <th scope="col">{t("status")}</th>
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
                <td>{i.candidate_email}</td>
                <td>{jobs[i.job_id]?.title ?? "—"}</td>
                <td>
                  <span className={`badge status-${i.status}`}>{i.status.replace("_", " ")}</span>
                </td>
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
                          (changed) => setInterviews((list) => list?.map((x) => (x.id === changed.id ? changed : x)) ?? null),
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
