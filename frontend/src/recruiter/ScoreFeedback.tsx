// A recruiter's verdict on the score one answer got on one competency: "Confirm" the number the
// report shows, or "Correct to N". Both become the organisation's training examples.
import { useState } from "react";
import { feedback, type ScoreFeedback as Saved } from "../api/client";
import { ErrorNote } from "../auth/AuthForms";
import { useI18n } from "../i18n";

const SCORES = [1, 2, 3, 4, 5];

/** The report's mean as the whole number the server records (half rounds up); null: no number shown. */
export function shownScore(meanScore: number | null | undefined): number | null {
  return meanScore === null || meanScore === undefined ? null : Math.floor(meanScore + 0.5);
}

export interface ScoreFeedbackProps {
  interviewId: string;
  turnId: string;
  competency: string;
  competencyName: string;
  /** The answer's mean score as the report shows it; null when it shows none. */
  meanScore: number | null;
  current: Saved | null;
}

export function ScoreFeedback({ interviewId, turnId, competency, competencyName, meanScore, current }: ScoreFeedbackProps) {
  const { t } = useI18n();
  const shown = shownScore(meanScore);
  const [saved, setSaved] = useState<Saved | null>(current);
  const [correction, setCorrection] = useState<number>(current?.corrected_score ?? shown ?? 3);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = async (change: () => Promise<Saved | null>) => {
    setBusy(true);
    setError(null);
    try {
      setSaved(await change());
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const legend = t("feedbackScoreLegend", { competency: competencyName });
  const selectId = `correct-${turnId}-${competency}`;
  let status: string | null = null;
  if (saved?.verdict === "confirmed") status = t("feedbackScoreConfirmed", { score: saved.ai_score ?? "—" });
  else if (saved?.verdict === "corrected") status = t("feedbackScoreCorrected", { score: saved.corrected_score ?? "—" });
  return (
    <fieldset className="score-feedback" data-testid="score-feedback">
      <legend className="visually-hidden">{legend}</legend>
      {/* Only a number the report shows can be confirmed. */}
      {shown !== null && (
        <button type="button" aria-pressed={saved?.verdict === "confirmed"} disabled={busy} onClick={() => act(() => feedback.putScore(interviewId, turnId, competency, { verdict: "confirmed" }))}>
          ✓ {t("feedbackConfirmScore", { score: shown })}
        </button>
      )}{" "}
      <label htmlFor={selectId}>{t("feedbackCorrectTo")}</label>{" "}
      <select id={selectId} value={correction} disabled={busy} onChange={(e) => setCorrection(Number(e.target.value))}>
        {SCORES.map((score) => (
          <option key={score} value={score}>
            {score}
          </option>
        ))}
      </select>{" "}
      <button
        type="button"
        aria-pressed={saved?.verdict === "corrected" && saved.corrected_score === correction}
        disabled={busy}
        onClick={() => act(() => feedback.putScore(interviewId, turnId, competency, { verdict: "corrected", corrected_score: correction }))}
      >
        {t("feedbackCorrectButton", { score: correction })}
      </button>
      {status && (
        <p role="status" className="hint" data-testid="score-feedback-status">
          ✓ {status}{" "}
          <button type="button" className="link" disabled={busy} onClick={() => act(() => feedback.deleteScore(interviewId, turnId, competency).then(() => null))}>
            {t("feedbackClear")}
          </button>
        </p>
      )}
      <ErrorNote error={error} />
    </fieldset>
  );
}
