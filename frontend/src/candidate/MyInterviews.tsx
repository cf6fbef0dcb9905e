// A signed-in candidate's interviews, to resume one after closing the tab.
import { useEffect, useState } from "react";
import { api, type Interview } from "../api/client";
import { ErrorNote } from "../auth/AuthForms";
import { useI18n } from "../i18n";
import { INTERVIEW_STATUS_LABELS } from "../interviewStatus";
import { Link } from "../router";
import { MyData } from "./MyData";

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
