// A recruiter's verdict on one generated question, shown under it in the report's transcript:
// "Good question" or "Not for us", with an optional better wording. Good questions and better
// wordings become the organisation's training examples.
import { useState } from "react";
import { feedback, type QuestionFeedback as Saved, type Schemas } from "../api/client";
import { ErrorNote } from "../auth/AuthForms";
import { useI18n } from "../i18n";

type Verdict = Schemas["QuestionVerdict"];

/** The server's limit on a better wording. */
export const MAX_BETTER_WORDING = 600;

export interface QuestionFeedbackProps {
  interviewId: string;
  turnId: string;
  /** 1-based, as the transcript numbers its questions. */
  number: number;
  current: Saved | null;
}

export function QuestionFeedback({ interviewId, turnId, number, current }: QuestionFeedbackProps) {
  const { t } = useI18n();
  const [saved, setSaved] = useState<Saved | null>(current);
  const [wording, setWording] = useState(current?.better_wording ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = async (change: () => Promise<Saved | null>) => {
    setBusy(true);
    setError(null);
    try {
      const next = await change();
      setSaved(next);
      setWording(next?.better_wording ?? "");
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const put = (verdict: Verdict) => act(() => feedback.putQuestion(interviewId, turnId, { verdict, better_wording: wording.trim() || null }));
  const clear = () => act(() => feedback.deleteQuestion(interviewId, turnId).then(() => null));
  const wordingId = `better-wording-${turnId}`;
  const legend = t("feedbackQuestionLegend", { number });
  return (
    <fieldset className="question-feedback" data-testid="question-feedback">
      <legend className="visually-hidden">{legend}</legend>
      <div className="segmented" role="group" aria-label={legend}>
        <button type="button" aria-pressed={saved?.verdict === "good"} disabled={busy} onClick={() => put("good")}>
          👍 {t("feedbackGoodQuestion")}
        </button>
        <button type="button" aria-pressed={saved?.verdict === "not_for_us"} disabled={busy} onClick={() => put("not_for_us")}>
          👎 {t("feedbackNotForUs")}
        </button>
      </div>
      <details open={Boolean(saved?.better_wording)}>
        <summary>{t("feedbackBetterWording")}</summary>
        <label htmlFor={wordingId} className="visually-hidden">
          {t("feedbackBetterWording")}
        </label>
        <textarea id={wordingId} rows={2} maxLength={MAX_BETTER_WORDING} value={wording} onChange={(e) => setWording(e.target.value)} />
        <p className="hint">{t("feedbackBetterWordingHint")}</p>
        {/* A wording on its own means the question as asked was not for us. */}
        <button type="button" disabled={busy || !wording.trim()} onClick={() => put(saved?.verdict ?? "not_for_us")}>
          {t("feedbackSaveWording")}
        </button>
      </details>
      {saved && (
        <p role="status" className="hint" data-testid="question-feedback-status">
          ✓ {t(saved.verdict === "good" ? "feedbackMarkedGood" : "feedbackMarkedNotForUs")}{" "}
          <button type="button" className="link" disabled={busy} onClick={clear}>
            {t("feedbackClear")}
          </button>
        </p>
      )}
      <ErrorNote error={error} />
    </fieldset>
  );
}
