// Fine-tuning: train a LoRA adapter on an organisation's approved questions, follow its training
// and its benchmark against the base model, then choose — as a person — what the organisation's
// interviews (and each job) are served with. Recruiters read; the owner or an admin acts, and the
// server refuses anyone else.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, feedback, training, type Adapter, type AllowedModel, type Job, type Organisation, type TrainingDataset, type TrainingHyperParameters, type User } from "../api/client";
import { ErrorNote } from "../auth/AuthForms";
import { ConfirmButton } from "../ConfirmButton";
import { formErrors, NO_ERRORS, type FormErrors } from "../formErrors";
import { useI18n, type MessageKey, type Translate } from "../i18n";
import { DatasetsPanel } from "./DatasetsPanel";

type AdapterStatus = Adapter["status"];
// While any adapter is in one of these the list is asked for again this often.
export const TRAINING_REFRESH_MS = 3000;
const RUNNING: readonly AdapterStatus[] = ["queued", "training", "benchmarking"];
// The server cancels only these (training/service.py).
const CANCELLABLE: readonly AdapterStatus[] = ["queued", "training"];
// What the form offers when the list of base models could not be read: the in-process model
// (interview_contracts.modelops.EMBEDDED_SMALL_MODEL_ID), as a free-text default.
const DEFAULT_BASE_MODEL = "smollm2-135m";
const NONE = "—";

const STATUS_LABEL: Record<AdapterStatus, MessageKey> = {
  queued: "trainingStatusQueued",
  training: "trainingStatusTraining",
  benchmarking: "trainingStatusBenchmarking",
  ready: "trainingStatusReady",
  failed: "trainingStatusFailed",
  cancelled: "trainingStatusCancelled",
};
// The interviews list's status colours and marks, so no state relies on colour alone.
const STATUS_BADGE: Record<AdapterStatus, string> = {
  queued: "status-scheduled",
  training: "status-in_progress",
  benchmarking: "status-in_progress",
  ready: "status-completed",
  failed: "status-abandoned",
  cancelled: "status-cancelled",
};

/** The figures of one side of a benchmark (interview_contracts.training.BenchmarkFigures). */
export interface BenchmarkFigures {
  question_cases: number;
  model_question_share: number | null;
  valid_question_share: number | null;
  question_latency_p50_ms: number | null;
  score_pairs: number;
  pair_accuracy: number | null;
  mean_score_gap: number | null;
}

/** An adapter's benchmark as the server stores it (AdapterBenchmarkResult). */
interface Benchmark {
  base: BenchmarkFigures | null;
  adapter: BenchmarkFigures | null;
  cases_version?: string;
  error?: string | null;
  duration_s?: number;
}

const percent = (value: number) => `${Math.round(value * 100)}%`;

// One row per measure; `better` says which way is better (counts have no better side).
const BENCHMARK_ROWS: { key: keyof BenchmarkFigures; label: MessageKey; better: "higher" | "lower" | null; format: (value: number, t: Translate) => string }[] = [
  { key: "question_cases", label: "trainingBenchQuestionCases", better: null, format: String },
  { key: "model_question_share", label: "trainingBenchModelShare", better: "higher", format: percent },
  { key: "valid_question_share", label: "trainingBenchValidShare", better: "higher", format: percent },
  { key: "question_latency_p50_ms", label: "trainingBenchLatency", better: "lower", format: (ms, t) => t("modelsMillis", { ms: Math.round(ms) }) },
  { key: "score_pairs", label: "trainingBenchScorePairs", better: null, format: String },
  { key: "pair_accuracy", label: "trainingBenchPairAccuracy", better: "higher", format: percent },
  { key: "mean_score_gap", label: "trainingBenchMeanGap", better: "higher", format: (gap) => gap.toFixed(2) },
];

/** Which side of a row is better: "base", "adapter", or null (equal, missing, or a count). */
export function betterSide(base: number | null | undefined, adapter: number | null | undefined, better: "higher" | "lower" | null): "base" | "adapter" | null {
  if (better === null || base === null || base === undefined || adapter === null || adapter === undefined || base === adapter) return null;
  return (adapter > base) === (better === "higher") ? "adapter" : "base";
}

const isRunning = (adapter: Adapter) => RUNNING.includes(adapter.status);
/** What the server lets an organisation or a job be served with (training/service.py _activatable). */
const isActivatable = (adapter: Adapter) => adapter.status === "ready" && adapter.benchmark !== null;
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : NONE);

export function TrainingPage({ user }: { user: User }) {
  const { t } = useI18n();
  const isAdmin = user.role === "admin";
  const [organisations, setOrganisations] = useState<Organisation[]>([]);
  const [chosenOrganisation, setChosenOrganisation] = useState("");
  const organisationId = isAdmin ? chosenOrganisation : (user.organisation_id ?? "");
  const [adapters, setAdapters] = useState<Adapter[] | null>(null);
  // The form's choice of versions (the panel keeps its own list); undefined while it is read,
  // null when it could not be (a recruiter who is not the owner): the form then takes an id.
  const [datasets, setDatasets] = useState<TrainingDataset[] | null | undefined>(undefined);
  const [jobs, setJobs] = useState<Job[]>([]);
  // The allow-listed models adapters train on; undefined while read, null when it could not be.
  const [baseModels, setBaseModels] = useState<AllowedModel[] | null | undefined>(undefined);
  // Choices of the organisation's adapter made on this page, over what the organisation was read with.
  const [chosenActive, setChosenActive] = useState<Record<string, string | null>>({});
  const [error, setError] = useState<string | null>(null);
  const [activeError, setActiveError] = useState<string | null>(null);

  useEffect(() => {
    // Admins: every organisation, to choose from; recruiters: their own, for its active adapter.
    api.listOrganisations().then(
      (found) => {
        setOrganisations(found);
        if (isAdmin) setChosenOrganisation((current) => current || (found[0]?.id ?? ""));
      },
      // Without it a recruiter's page works on; only the active adapter stays unknown.
      (e: Error) => isAdmin && setError(e.message),
    );
  }, [isAdmin]);
  useEffect(() => {
    api.listJobs().then(setJobs, (e: Error) => setError(e.message));
    training.baseModels().then(setBaseModels, () => setBaseModels(null));
  }, []);
  const refreshAdapters = useCallback(
    () =>
      organisationId
        ? training.listAdapters(organisationId).then(
            (found) => {
              setAdapters(found);
              setError(null);
            },
            (e: Error) => setError(e.message),
          )
        : Promise.resolve(),
    [organisationId],
  );
  useEffect(() => {
    setAdapters(null);
    setActiveError(null);
    setDatasets(undefined);
    if (!organisationId) return;
    void refreshAdapters();
    feedback.listDatasets(organisationId).then(setDatasets, () => setDatasets(null));
  }, [organisationId, refreshAdapters]);
  const running = adapters?.some(isRunning) ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void refreshAdapters(), TRAINING_REFRESH_MS);
    return () => clearInterval(timer);
  }, [running, refreshAdapters]);

  const replace = (changed: Adapter) => setAdapters((shown) => (shown ?? []).map((a) => (a.id === changed.id ? changed : a)));
  const choose = async (adapterId: string | null) => {
    setActiveError(null);
    try {
      const chosen = await training.activate(organisationId, adapterId);
      setChosenActive((shown) => ({ ...shown, [organisationId]: chosen.active_adapter_id }));
    } catch (e) {
      setActiveError(e instanceof Error ? e.message : String(e));
    }
  };
  // undefined: not known (the organisation could not be read, or the server does not say).
  const active = organisationId in chosenActive ? chosenActive[organisationId] : organisations.find((o) => o.id === organisationId)?.active_adapter_id;
  const activeAdapter = adapters?.find((a) => a.id === active);
  const replaceJob = (changed: Job) => setJobs((shown) => shown.map((j) => (j.id === changed.id ? changed : j)));
  const organisationJobs = jobs.filter((job) => job.organisation_id === organisationId && !job.archived_at);
  const choices = (adapters ?? []).filter(isActivatable);

  return (
    <div className="stack">
      <h1>{t("trainingTitle")}</h1>
      <p className="hint">{t("trainingIntro")}</p>
      <ErrorNote error={error} />
      {isAdmin && (
        <div className="field">
          <label htmlFor="training-organisation">{t("roleOrganisation")}</label>
          <select id="training-organisation" value={chosenOrganisation} onChange={(e) => setChosenOrganisation(e.target.value)}>
            {organisations.length === 0 && <option value="">{t("chooseOrganisation")}</option>}
            {organisations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {!organisationId ? (
        !isAdmin && <p className="notice warning">{t("trainingNoOrganisation")}</p>
      ) : (
        <>
          <DatasetsPanel key={`datasets-${organisationId}`} organisationId={organisationId} />

          <TrainForm key={`train-${organisationId}`} organisationId={organisationId} datasets={datasets} baseModels={baseModels} onStarted={(a) => setAdapters((shown) => [a, ...(shown ?? [])])} />

          <section className="card" aria-labelledby="active-title">
            <h2 id="active-title">{t("trainingActiveTitle")}</h2>
            <p role="status">
              {active === undefined
                ? t("trainingActiveUnknown")
                : active === null
                  ? t("trainingActiveBase")
                  : t("trainingAdapterHeading", { version: activeAdapter?.version ?? active.slice(0, 8) })}
            </p>
            <button type="button" disabled={active === null} onClick={() => void choose(null)}>
              {t("trainingUseBase")}
            </button>
            <ErrorNote error={activeError} />
          </section>

          <section className="card" aria-labelledby="adapters-title">
            <h2 id="adapters-title">{t("trainingAdaptersTitle")}</h2>
            {adapters === null ? (
              <p>{t("loading")}</p>
            ) : adapters.length === 0 ? (
              <p className="hint">{t("trainingNoAdapters")}</p>
            ) : (
              <ul className="organisation-list">
                {adapters.map((adapter) => (
                  <AdapterItem key={adapter.id} adapter={adapter} active={active === adapter.id} onChanged={replace} onActivate={() => choose(adapter.id)} />
                ))}
              </ul>
            )}
          </section>

          <JobAdapters jobs={organisationJobs} adapters={adapters ?? []} choices={choices} onChanged={replaceJob} />
        </>
      )}
    </div>
  );
}

/** "Version 3: 42 questions, 17 scores (06/12/2026)". */
function datasetInWords(dataset: TrainingDataset, t: Translate): string {
  return t("trainingDatasetOption", {
    version: dataset.version,
    questions: dataset.question_examples,
    scores: dataset.score_examples,
    date: new Date(dataset.created_at).toLocaleDateString(),
  });
}

// The inputs the form shows, as the server names them in a 422.
const HYPER_FIELDS = ["epochs", "learning_rate", "rank", "max_steps"] as const;
type HyperField = (typeof HYPER_FIELDS)[number];
const HYPER_LABEL: Record<HyperField, MessageKey> = {
  epochs: "trainingEpochs",
  learning_rate: "trainingLearningRate",
  rank: "trainingRank",
  max_steps: "trainingMaxSteps",
};
// The server's bounds and defaults (interview_contracts.training.TrainingHyperParameters).
const HYPER_INPUT: Record<HyperField, { min: number; max: number; step: number | "any"; initial: string }> = {
  epochs: { min: 1, max: 20, step: 1, initial: "2" },
  learning_rate: { min: 0.000001, max: 0.01, step: "any", initial: "0.0002" },
  rank: { min: 1, max: 128, step: 1, initial: "8" },
  max_steps: { min: 0, max: 100000, step: 1, initial: "200" },
};
const shownTrainField = (field: string) =>
  field === "dataset_id" || field === "base_model_id" || HYPER_FIELDS.some((name) => field === `hyper_parameters.${name}`);

/** "smollm2-135m — SmolLM2 135M, in process", or the id alone when it has no description. */
const baseModelInWords = (model: AllowedModel) => (model.description ? `${model.id} — ${model.description}` : model.id);

function TrainForm({
  organisationId,
  datasets,
  baseModels,
  onStarted,
}: {
  organisationId: string;
  datasets: TrainingDataset[] | null | undefined;
  baseModels: AllowedModel[] | null | undefined;
  onStarted: (adapter: Adapter) => void;
}) {
  const { t } = useI18n();
  const [datasetId, setDatasetId] = useState("");
  // Empty: the first allow-listed model.
  const [baseModel, setBaseModel] = useState("");
  const [typedBase, setTypedBase] = useState(DEFAULT_BASE_MODEL);
  const [hyper, setHyper] = useState<Record<HyperField, string>>(() => {
    const initial = {} as Record<HyperField, string>;
    for (const name of HYPER_FIELDS) initial[name] = HYPER_INPUT[name].initial;
    return initial;
  });
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  // The newest version is the usual choice.
  const chosenDataset = datasetId || (datasets?.[0]?.id ?? "");
  const chosenBase = baseModels === null ? typedBase : baseModel || (baseModels?.[0]?.id ?? "");
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors(NO_ERRORS);
    const hyperParameters: Partial<TrainingHyperParameters> = {};
    for (const name of HYPER_FIELDS) hyperParameters[name] = Number(hyper[name]);
    try {
      onStarted(
        await training.train({
          organisation_id: organisationId,
          dataset_id: chosenDataset.trim(),
          base_model_id: chosenBase.trim(),
          hyper_parameters: hyperParameters,
        }),
      );
    } catch (e) {
      setErrors(formErrors(e, shownTrainField, t("checkFields")));
    } finally {
      setBusy(false);
    }
  };
  const datasetError = errors.fields.dataset_id;
  const baseError = errors.fields.base_model_id;
  return (
    <form className="card" aria-labelledby="train-title" onSubmit={submit}>
      <h2 id="train-title">{t("trainingFormTitle")}</h2>
      <div className="row">
        <div className={datasetError ? "field invalid" : "field"}>
          <label htmlFor="train-dataset">{datasets === null ? t("trainingDatasetId") : t("trainingDataset")}</label>
          {datasets === null ? (
            <input
              id="train-dataset"
              required
              value={datasetId}
              aria-invalid={datasetError ? true : undefined}
              aria-describedby={datasetError ? "train-dataset-hint train-dataset-error" : "train-dataset-hint"}
              onChange={(e) => setDatasetId(e.target.value)}
            />
          ) : (
            <select
              id="train-dataset"
              required
              value={chosenDataset}
              aria-invalid={datasetError ? true : undefined}
              aria-describedby={datasetError ? "train-dataset-error" : undefined}
              onChange={(e) => setDatasetId(e.target.value)}
            >
              {datasets === undefined && <option value="">{t("loading")}</option>}
              {datasets?.length === 0 && <option value="">{t("trainingNoDatasets")}</option>}
              {datasets?.map((d) => (
                <option key={d.id} value={d.id}>
                  {datasetInWords(d, t)}
                </option>
              ))}
            </select>
          )}
          {datasets === null && (
            <small id="train-dataset-hint" className="hint">
              {t("trainingDatasetIdHint")}
            </small>
          )}
          {datasetError && (
            <small id="train-dataset-error" className="field-error">
              {datasetError}
            </small>
          )}
        </div>
        <div className={baseError ? "field invalid" : "field"}>
          <label htmlFor="train-base-model">{t("trainingBaseModel")}</label>
          {baseModels === null ? (
            // The list could not be read: the id is typed, and the server checks it.
            <input
              id="train-base-model"
              required
              maxLength={64}
              value={typedBase}
              aria-invalid={baseError ? true : undefined}
              aria-describedby={baseError ? "train-base-model-hint train-base-model-error" : "train-base-model-hint"}
              onChange={(e) => setTypedBase(e.target.value)}
            />
          ) : (
            <select
              id="train-base-model"
              required
              value={chosenBase}
              aria-invalid={baseError ? true : undefined}
              aria-describedby={baseError ? "train-base-model-hint train-base-model-error" : "train-base-model-hint"}
              onChange={(e) => setBaseModel(e.target.value)}
            >
              {baseModels === undefined && <option value="">{t("loading")}</option>}
              {baseModels?.length === 0 && <option value="">{t("trainingNoBaseModels")}</option>}
              {baseModels?.map((model) => (
                <option key={model.id} value={model.id}>
                  {baseModelInWords(model)}
                </option>
              ))}
            </select>
          )}
          <small id="train-base-model-hint" className="hint">
            {t("trainingBaseModelHint")}
          </small>
          {baseError && (
            <small id="train-base-model-error" className="field-error">
              {baseError}
            </small>
          )}
        </div>
      </div>
      <fieldset>
        <legend>{t("trainingHyperParameters")}</legend>
        <div className="row">
          {HYPER_FIELDS.map((name) => {
            const problem = errors.fields[`hyper_parameters.${name}`];
            const id = `train-${name}`;
            return (
              <div key={name} className={problem ? "field invalid" : "field"}>
                <label htmlFor={id}>{t(HYPER_LABEL[name])}</label>
                <input
                  id={id}
                  type="number"
                  required
                  min={HYPER_INPUT[name].min}
                  max={HYPER_INPUT[name].max}
                  step={HYPER_INPUT[name].step}
                  value={hyper[name]}
                  aria-invalid={problem ? true : undefined}
                  aria-describedby={problem ? `${id}-error` : undefined}
                  onChange={(e) => setHyper({ ...hyper, [name]: e.target.value })}
                />
                {problem && (
                  <small id={`${id}-error`} className="field-error">
                    {problem}
                  </small>
                )}
              </div>
            );
          })}
        </div>
      </fieldset>
      <ErrorNote error={errors.general} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !chosenDataset || !chosenBase.trim()}>
          {busy ? t("working") : t("trainingStart")}
        </button>
      </div>
    </form>
  );
}

function AdapterItem({ adapter, active, onChanged, onActivate }: { adapter: Adapter; active: boolean; onChanged: (a: Adapter) => void; onActivate: () => Promise<unknown> }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const name = t("trainingAdapterHeading", { version: adapter.version });
  const send = async (action: () => Promise<Adapter>) => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await action());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const benchmark = adapter.benchmark as Benchmark | null;
  const trained = Object.keys(adapter.files).length > 0;
  const progressId = `progress-${adapter.id}`;
  return (
    <li className="organisation">
      <div className="page-head">
        <h3>
          {name} <span className={`badge ${STATUS_BADGE[adapter.status]}`}>{t(STATUS_LABEL[adapter.status])}</span>{" "}
          {active && <span className="badge status-completed">{t("trainingActiveBadge")}</span>}
        </h3>
      </div>
      <p className="meta">
        {t("trainingAdapterMeta", { model: adapter.base_model_id, dataset: adapter.dataset_version, examples: adapter.examples, date: when(adapter.created_at) })}
      </p>
      {(adapter.status === "queued" || adapter.status === "training") && (
        <div className="stage-progress">
          <p id={progressId}>
            {adapter.progress_total > 0 ? t("trainingProgress", { step: adapter.progress_step, total: adapter.progress_total }) : t("trainingStatusQueued")}
            {adapter.progress_loss !== null && ` · ${t("trainingLoss", { loss: adapter.progress_loss.toFixed(3) })}`}
          </p>
          <progress aria-labelledby={progressId} value={adapter.progress_step} max={Math.max(adapter.progress_total, 1)} />
        </div>
      )}
      {adapter.status === "benchmarking" && <p className="hint">{t("trainingBenchmarkRunning")}</p>}
      {adapter.final_loss !== null && (
        <p className="hint">
          {t("trainingResult", {
            loss: adapter.final_loss.toFixed(3),
            seconds: Math.round(adapter.duration_s ?? 0),
            device: adapter.device ?? NONE,
            quantization: adapter.quantization ?? NONE,
          })}
        </p>
      )}
      {adapter.status === "failed" && adapter.error && <p className="notice error">{t("trainingFailed", { error: adapter.error })}</p>}
      {benchmark && <BenchmarkTable benchmark={benchmark} adapterName={name} />}
      <div className="row">
        {CANCELLABLE.includes(adapter.status) && (
          <ConfirmButton
            label={t("trainingCancel")}
            ariaLabel={`${t("trainingCancel")}: ${name}`}
            question={t("trainingCancelQuestion", { name })}
            confirmLabel={t("trainingCancelConfirm")}
            dismissLabel={t("trainingKeepTraining")}
            onConfirm={() => send(() => training.cancel(adapter.id))}
          />
        )}
        {isActivatable(adapter) && !active && (
          <ConfirmButton
            label={t("trainingActivate")}
            ariaLabel={`${t("trainingActivate")}: ${name}`}
            question={t("trainingActivateQuestion", { name })}
            confirmLabel={t("trainingActivateConfirm")}
            onConfirm={onActivate}
          />
        )}
        {trained && !isRunning(adapter) && (
          <button type="button" disabled={busy} aria-label={`${t("trainingRerun")}: ${name}`} onClick={() => void send(() => training.rerunBenchmark(adapter.id))}>
            {t("trainingRerun")}
          </button>
        )}
      </div>
      <ErrorNote error={error} />
    </li>
  );
}

function BenchmarkTable({ benchmark, adapterName }: { benchmark: Benchmark; adapterName: string }) {
  const { t } = useI18n();
  const cell = (figures: BenchmarkFigures | null, row: (typeof BENCHMARK_ROWS)[number], isBetter: boolean) => {
    const value = figures?.[row.key];
    return (
      <td className={isBetter ? "better" : undefined}>
        {value === null || value === undefined ? NONE : row.format(value, t)}
        {isBetter && (
          <>
            {" "}
            <span aria-hidden="true">✓</span>
            <span className="visually-hidden">{t("trainingBetter")}</span>
          </>
        )}
      </td>
    );
  };
  return (
    <>
      {benchmark.error && <p className="notice warning">{t("trainingBenchmarkError", { error: benchmark.error })}</p>}
      {(benchmark.base || benchmark.adapter) && (
        <table className="observations">
          <caption>{t("trainingBenchmarkTitle", { name: adapterName })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("trainingBenchMeasure")}</th>
              <th scope="col">{t("trainingBenchBase")}</th>
              <th scope="col">{t("trainingBenchAdapter")}</th>
            </tr>
          </thead>
          <tbody>
            {BENCHMARK_ROWS.map((row) => {
              const side = betterSide(benchmark.base?.[row.key], benchmark.adapter?.[row.key], row.better);
              return (
                <tr key={row.key}>
                  <th scope="row">{t(row.label)}</th>
                  {cell(benchmark.base, row, side === "base")}
                  {cell(benchmark.adapter, row, side === "adapter")}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

/** Each job's own adapter, over the organisation's choice. */
function JobAdapters({ jobs, adapters, choices, onChanged }: { jobs: Job[]; adapters: Adapter[]; choices: Adapter[]; onChanged: (job: Job) => void }) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="job-adapters-title">
      <h2 id="job-adapters-title">{t("trainingJobsTitle")}</h2>
      <p className="hint">{t("trainingJobsHint")}</p>
      {jobs.length === 0 ? (
        <p className="hint">{t("trainingNoJobs")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("trainingJobColumn")}</th>
              <th scope="col">{t("trainingJobAdapterColumn")}</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <JobAdapterRow key={job.id} job={job} adapters={adapters} choices={choices} onChanged={onChanged} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

// The select's value for "the organisation's choice" and for "not known yet".
const ORGANISATION_CHOICE = "organisation";
const UNKNOWN = "";

function JobAdapterRow({ job, adapters, choices, onChanged }: { job: Job; adapters: Adapter[]; choices: Adapter[]; onChanged: (job: Job) => void }) {
  const { t } = useI18n();
  // The job's own adapter, null for the organisation's choice; undefined: the server does not say.
  const current = job.adapter_id;
  // A chosen adapter no longer offered (say, benchmark re-running) is still shown by name.
  const currentAdapter = current ? adapters.find((a) => a.id === current) : undefined;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const change = async (value: string) => {
    setBusy(true);
    setError(null);
    try {
      const saved = await training.setJobAdapter(job.id, value === ORGANISATION_CHOICE ? null : value);
      onChanged({ ...job, adapter_id: saved.adapter_id });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const value = current === undefined ? UNKNOWN : current === null ? ORGANISATION_CHOICE : current;
  return (
    <tr>
      <td>{job.title}</td>
      <td>
        <select aria-label={t("trainingJobSelect", { title: job.title })} value={value} disabled={busy} onChange={(e) => void change(e.target.value)}>
          {current === undefined && (
            <option value={UNKNOWN} disabled>
              {NONE}
            </option>
          )}
          <option value={ORGANISATION_CHOICE}>{t("trainingJobOrganisationChoice")}</option>
          {choices.map((a) => (
            <option key={a.id} value={a.id}>
              {t("trainingAdapterHeading", { version: a.version })}
            </option>
          ))}
          {current && !choices.some((a) => a.id === current) && (
            <option value={current}>{currentAdapter ? t("trainingAdapterHeading", { version: currentAdapter.version }) : current.slice(0, 8)}</option>
          )}
        </select>
        <ErrorNote error={error} />
      </td>
    </tr>
  );
}
