// An organisation's training datasets, for its owner or an admin: every version with what it
// holds, a form that freezes the current feedback as the next version (with the consent basis
// the organisation relies on), and each version's JSONL download.
import { useEffect, useState, type FormEvent } from "react";
import { ApiError, feedback, type TrainingDataset } from "../api/client";
import { ErrorNote } from "../auth/AuthForms";
import { useI18n } from "../i18n";

/** The server's limits on the consent basis. */
export const MIN_CONSENT_BASIS = 10;
export const MAX_CONSENT_BASIS = 500;

export function DatasetsPanel({ organisationId }: { organisationId: string }) {
  const { t, language } = useI18n();
  const [datasets, setDatasets] = useState<TrainingDataset[] | null>(null);
  const [consent, setConsent] = useState("");
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    feedback.listDatasets(organisationId).then(
      (found) => !cancelled && setDatasets(found),
      (e: Error) => !cancelled && setError(e.message),
    );
    return () => {
      cancelled = true;
    };
  }, [organisationId]);
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFieldError(null);
    setCreated(null);
    try {
      const dataset = await feedback.createDataset(organisationId, { consent_basis: consent.trim() });
      setDatasets((known) => [dataset, ...(known ?? [])]);
      setCreated(dataset.version);
      setConsent("");
    } catch (e) {
      const message = e instanceof ApiError ? e.fieldMessage("consent_basis") : undefined;
      if (message) setFieldError(message);
      else setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const download = (dataset: TrainingDataset) => feedback.downloadDataset(organisationId, dataset).catch((e: Error) => setError(e.message));
  const length = consent.trim().length;
  return (
    <section className="card datasets" aria-labelledby="datasets-title" data-testid="datasets-panel">
      <h2 id="datasets-title">{t("datasetsTitle")}</h2>
      <p className="hint">{t("datasetsIntro")}</p>
      {datasets === null && !error && <p role="status">{t("loading")}</p>}
      {datasets?.length === 0 && <p>{t("datasetsEmpty")}</p>}
      {datasets && datasets.length > 0 && (
        <ul className="datasets-list">
          {datasets.map((dataset) => (
            <li key={dataset.id} data-testid="dataset">
              <strong>{t("datasetVersion", { version: dataset.version })}</strong> · {t("datasetCounts", { questions: dataset.question_examples, scores: dataset.score_examples })} ·{" "}
              {t("datasetCreatedOn", { date: new Date(dataset.created_at).toLocaleString(language) })}
              <br />
              <small>
                {t("datasetConsentBasis")}: {dataset.consent_basis}
              </small>
              {dataset.examples_removed > 0 && (
                <>
                  <br />
                  <small className="hint">{t("datasetRemoved", { count: dataset.examples_removed })}</small>
                </>
              )}
              <br />
              <button type="button" aria-label={t("datasetDownloadNamed", { version: dataset.version })} onClick={() => download(dataset)}>
                ⤓ {t("datasetDownload")}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={create} noValidate>
        <label htmlFor="consent-basis">{t("datasetConsentBasis")}</label>
        <textarea
          id="consent-basis"
          rows={2}
          maxLength={MAX_CONSENT_BASIS}
          value={consent}
          aria-describedby="consent-basis-hint"
          aria-invalid={fieldError ? true : undefined}
          onChange={(e) => setConsent(e.target.value)}
        />
        <p id="consent-basis-hint" className="hint">
          {t("datasetConsentHint")} {t("charCount", { count: length, max: MAX_CONSENT_BASIS })}
        </p>
        {fieldError && (
          <p className="field-error" role="alert">
            {fieldError}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || length < MIN_CONSENT_BASIS}>
          {t("datasetCreate")}
        </button>
      </form>
      {created !== null && <p role="status">✓ {t("datasetCreated", { version: created })}</p>}
      <ErrorNote error={error} />
    </section>
  );
}
