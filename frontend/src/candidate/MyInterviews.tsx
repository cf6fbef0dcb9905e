// A signed-in candidate's interviews, to resume one after closing the tab.
import { useEffect, useState } from "react";
import { api, type Interview, type InterviewStatus } from "../api/client";
import { ErrorNote } from "../auth/AuthForms";
import { useI18n, type MessageKey } from "../i18n";
import { Link } from "../router";
import { MyData } from "./MyData";

// The same labels as the recruiter's interview list, never the raw status key.
const INTERVIEW_STATUS_LABELS: Record<InterviewStatus, MessageKey> = {
  scheduled: "interviewStatusScheduled",
  in_progress: "interviewStatusInProgress",
  completed: "interviewStatusCompleted",
  abandoned: "interviewStatusAbandoned",
  expired: "interviewStatusExpired",
  cancelled: "interviewStatusCancelled",
};

export function MyInterviews() {
  const { t, language } = useI18n();
  const [interviews, setInterviews] = useState<Interview[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.listInterviews({}).then(setInterviews, (e: Error) => setError(e.message));
  }, []);
  return (
    <section aria-labelledby="mine-title">
      <h1 id="mine-title">{t("navMyInterviews")}</h1>
      <ErrorNote error={error} />
      {interviews?.length === 0 && <p>{t("noInterviews")}</p>}
      <ul className="job-list">
        {interviews?.map((i) => (
          <li key={i.id} className="card row spread">
            <span>
              {t(INTERVIEW_STATUS_LABELS[i.status])} · {new Date(i.created_at).toLocaleDateString(language)}
            </span>
            <Link href={`/interview/${i.id}`}>{t("continueInterview")}</Link>
          </li>
        ))}
      </ul>
      <MyData />
    </section>
  );
}
