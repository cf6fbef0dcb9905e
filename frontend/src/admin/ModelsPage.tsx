// Model operations for platform admins: what question generation serves, what each worker
// holds (with hash, quantisation, memory and latency), the allow-list to load from, warm-up and
// unload.
import { useCallback, useEffect, useState } from "react";
import { modelOps, type ModelSlot, type ModelsOverview } from "../api/client";
import { ErrorNote } from "../auth/AuthForms";
import { ConfirmButton } from "../ConfirmButton";
import { useI18n, type MessageKey, type Translate } from "../i18n";

// While a load is pending the page asks again this often, so the switch shows without a reload.
export const LOADING_REFRESH_MS = 5000;
const NONE = "—";

// Each slot state as the interviews list shows statuses: its own colour and mark beside the word.
const STATE_BADGE: Record<string, string> = { serving: "status-completed", loading: "status-in_progress", unloaded: "status-scheduled" };
const STATE_LABEL: Record<string, MessageKey> = { serving: "modelsBadgeServing", loading: "modelsBadgeLoading", unloaded: "modelsBadgeUnloaded" };

/** The first characters of a hash: enough to compare by eye; the whole one is in the title. */
export const shortHash = (sha256: string | null | undefined) => (sha256 ? sha256.slice(0, 12) : NONE);

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : NONE);

function megabytes(mb: number | null | undefined, t: Translate): string {
  return mb === null || mb === undefined ? NONE : t("modelsMegabytes", { mb: Math.round(mb) });
}

function millis(ms: number | null | undefined, t: Translate): string {
  return ms === null || ms === undefined ? NONE : t("modelsMillis", { ms: Math.round(ms) });
}

export function ModelsPage() {
  const { t } = useI18n();
  const [overview, setOverview] = useState<ModelsOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A refused action, told apart from a failed refresh; a 422 says which input it refused.
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const refresh = useCallback(
    () =>
      modelOps.overview().then(
        (found) => {
          setOverview(found);
          setError(null);
        },
        (e: Error) => setError(e.message),
      ),
    [],
  );
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const loading = overview?.questions.state === "loading";
  useEffect(() => {
    if (!loading) return;
    const timer = setInterval(() => void refresh(), LOADING_REFRESH_MS);
    return () => clearInterval(timer);
  }, [loading, refresh]);

  const act = async (send: () => Promise<ModelSlot>) => {
    setBusy(true);
    setActionError(null);
    try {
      const slot = await send();
      setOverview((shown) => (shown ? { ...shown, questions: slot } : shown));
    } catch (e) {
      // The server's words name the refused input ("The 'model_id' field: … is not on the allow-list").
      setActionError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  if (!overview) return error ? <ErrorNote error={error} /> : <p>{t("loading")}</p>;
  const slot = overview.questions;
  const modelName = (id: string | null) => id ?? t("modelsConfiguredModel");
  return (
    <div className="stack">
      <div className="page-head">
        <h1>{t("modelsTitle")}</h1>
        <button type="button" onClick={() => void refresh()}>
          {t("modelsRefresh")}
        </button>
      </div>
      <p className="meta">{t("modelsCheckedAt", { time: when(overview.checked_at) })}</p>
      <ErrorNote error={error} />

      <section className="card" aria-labelledby="slot-title">
        <h2 id="slot-title">{t("modelsSlotTitle")}</h2>
        <p role="status">
          <span className={`badge ${STATE_BADGE[slot.state] ?? ""}`}>{STATE_LABEL[slot.state] ? t(STATE_LABEL[slot.state]) : slot.state}</span>{" "}
          {slot.state === "loading"
            ? t("modelsStateLoading", { model: modelName(slot.pending_model_id), since: when(slot.pending_since) })
            : slot.state === "unloaded"
              ? t("modelsStateUnloaded")
              : t("modelsStateServing", { model: modelName(slot.model_id) })}
        </p>
        {slot.last_error && <p className="notice warning">{t("modelsLastError", { error: slot.last_error })}</p>}
        {slot.last_load && <p className="hint">{lastLoadInWords(slot.last_load, t)}</p>}
        <div className="row">
          <button type="button" disabled={busy} onClick={() => void act(modelOps.warmUp)}>
            {t("modelsWarmUp")}
          </button>
          {slot.state !== "unloaded" && (
            <ConfirmButton label={t("modelsUnload")} question={t("modelsUnloadQuestion")} confirmLabel={t("modelsUnloadConfirm")} onConfirm={() => act(modelOps.unload)} />
          )}
        </div>
        <ErrorNote error={actionError} />
      </section>

      <section className="card" aria-labelledby="allowed-title">
        <h2 id="allowed-title">{t("modelsAllowedTitle")}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("modelsColModel")}</th>
              <th scope="col">{t("modelsColBackend")}</th>
              <th scope="col">{t("modelsColSource")}</th>
              <th scope="col">{t("modelsColSha")}</th>
              <th scope="col">{t("modelsColQuantization")}</th>
              <th scope="col">{t("modelsColDescription")}</th>
              <th scope="col">{t("actionsColumn")}</th>
            </tr>
          </thead>
          <tbody>
            {overview.allowed.map((model) => (
              <tr key={model.id}>
                <td>
                  {model.id}
                  {slot.model_id === model.id && slot.state === "serving" && <span className="badge status-completed">{t("modelsBadgeServing")}</span>}
                  {slot.pending_model_id === model.id && slot.state === "loading" && <span className="badge status-in_progress">{t("modelsBadgeLoading")}</span>}
                </td>
                <td>{model.backend}</td>
                <td>{model.source}</td>
                <td title={model.sha256 ?? undefined}>{shortHash(model.sha256)}</td>
                <td>{model.quantization ?? NONE}</td>
                <td>{model.description}</td>
                <td>
                  <button type="button" disabled={busy} aria-label={t("modelsLoadNamed", { model: model.id })} onClick={() => void act(() => modelOps.load(model.id))}>
                    {t("modelsLoad")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" disabled={busy} onClick={() => void act(() => modelOps.load(null))}>
          {t("modelsLoadConfigured")}
        </button>
      </section>

      <QuestionWorkers overview={overview} />
      <CpuWorkers overview={overview} />
    </div>
  );
}

/** A worker's report of the last load: "Last load report: smollm2-135m on gpu-1, ready, 4.2 s." */
function lastLoadInWords(report: Record<string, unknown>, t: Translate): string {
  const model = typeof report.model_id === "string" ? report.model_id : t("modelsConfiguredModel");
  const seconds = typeof report.seconds === "number" ? report.seconds.toFixed(1) : NONE;
  return t("modelsLastLoad", {
    model,
    host: String(report.hostname ?? NONE),
    outcome: report.ok ? t("modelsLoadOk") : t("modelsLoadFailed"),
    seconds,
  });
}

function QuestionWorkers({ overview }: { overview: ModelsOverview }) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="gpu-title">
      <h2 id="gpu-title">{t("modelsGpuTitle")}</h2>
      {overview.question_workers.length === 0 && <p className="hint">{t("modelsNoGpuWorkers")}</p>}
      {overview.question_workers.map((worker) => (
        <div key={`${worker.hostname}-${worker.pid}`} className="stack">
          <h3>{t("modelsWorkerHeading", { host: worker.hostname, pid: worker.pid })}</h3>
          {worker.unloaded && <p className="notice warning">{t("modelsWorkerUnloaded")}</p>}
          {worker.models.length === 0 ? (
            <p className="hint">{t("modelsNoModels")}</p>
          ) : (
            <table aria-label={t("modelsWorkerModels", { host: worker.hostname })}>
              <thead>
                <tr>
                  <th scope="col">{t("modelsColModel")}</th>
                  <th scope="col">{t("modelsColBackend")}</th>
                  <th scope="col">{t("modelsColDevice")}</th>
                  <th scope="col">{t("modelsColQuantization")}</th>
                  <th scope="col">{t("modelsColSha")}</th>
                  <th scope="col">{t("modelsColMemory")}</th>
                  <th scope="col">{t("modelsColAdapters")}</th>
                  <th scope="col">{t("modelsColLoadedAt")}</th>
                  <th scope="col">{t("modelsColRequests")}</th>
                  <th scope="col">{t("modelsColLatency")}</th>
                </tr>
              </thead>
              <tbody>
                {worker.models.map((model) => (
                  <tr key={model.model_id}>
                    <td>{model.model_id}</td>
                    <td>{model.backend}</td>
                    <td>{model.device}</td>
                    <td>{model.quantization ?? NONE}</td>
                    <td title={model.sha256 ?? undefined}>{shortHash(model.sha256)}</td>
                    <td>{megabytes(model.memory_mb, t)}</td>
                    <td>{model.adapters.length ? model.adapters.join(", ") : NONE}</td>
                    <td>{when(model.loaded_at)}</td>
                    <td>{model.requests}</td>
                    <td>
                      {millis(model.latency_p50_ms, t)} / {millis(model.latency_p95_ms, t)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {worker.engine && (
            <table aria-label={t("modelsEngineOf", { host: worker.hostname })}>
              <caption>{t("modelsEngine")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("modelsColModel")}</th>
                  <th scope="col">{t("modelsColSha")}</th>
                  <th scope="col">{t("modelsColQuantization")}</th>
                  <th scope="col">{t("modelsColState")}</th>
                  <th scope="col">{t("modelsColPid")}</th>
                  <th scope="col">{t("modelsColMemory")}</th>
                  <th scope="col">{t("modelsColStarted")}</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <td>{worker.engine.model_id}</td>
                  <td title={worker.engine.sha256 ?? undefined}>{shortHash(worker.engine.sha256)}</td>
                  <td>{worker.engine.quantization ?? NONE}</td>
                  <td>{worker.engine.ready ? t("modelsEngineReady") : t("modelsEngineStarting")}</td>
                  <td>{worker.engine.pid ?? NONE}</td>
                  <td>{megabytes(worker.engine.memory_mb, t)}</td>
                  <td>{when(worker.engine.started_at)}</td>
                </tr>
              </tbody>
            </table>
          )}
        </div>
      ))}
    </section>
  );
}

function CpuWorkers({ overview }: { overview: ModelsOverview }) {
  const { t } = useI18n();
  const rows = overview.cpu_workers.flatMap((worker) => worker.models.map((model) => ({ worker, model })));
  return (
    <section className="card" aria-labelledby="cpu-title">
      <h2 id="cpu-title">{t("modelsCpuTitle")}</h2>
      {overview.cpu_workers.length === 0 ? (
        <p className="hint">{t("modelsNoCpuWorkers")}</p>
      ) : rows.length === 0 ? (
        <p className="hint">{t("modelsNoModels")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("modelsColWorker")}</th>
              <th scope="col">{t("modelsColSlot")}</th>
              <th scope="col">{t("modelsColModel")}</th>
              <th scope="col">{t("modelsColBackend")}</th>
              <th scope="col">{t("modelsColDevice")}</th>
              <th scope="col">{t("modelsColQuantization")}</th>
              <th scope="col">{t("modelsColMemory")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ worker, model }) => (
              <tr key={`${worker.hostname}-${worker.pid}-${model.slot}`}>
                <td>{t("modelsWorkerHeading", { host: worker.hostname, pid: worker.pid })}</td>
                <td>{model.slot}</td>
                <td>{model.model_id}</td>
                <td>{model.backend}</td>
                <td>{model.device}</td>
                <td>{model.quantization ?? NONE}</td>
                <td>{megabytes(model.memory_mb, t)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
