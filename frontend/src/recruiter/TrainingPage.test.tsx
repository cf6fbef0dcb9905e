import { act, fireEvent, screen, within } from "@testing-library/react";
import { vi } from "vitest";
import type { Adapter, AllowedModel, Job, Organisation, TrainingDataset, User } from "../api/client";
import { renderPage, resetFakeApi, serve, settle, type FetchMock, type Reply } from "../test/fakeApi";
import { betterSide, TRAINING_REFRESH_MS, TrainingPage, type BenchmarkFigures } from "./TrainingPage";

const recruiter: User = {
  id: "u1", email: "owner@acme.test", full_name: "Owner", role: "recruiter", organisation_id: "o1",
  is_active: true, preferred_language: "en", created_at: "2026-01-01T00:00:00Z",
};

const figures = (overrides: Partial<BenchmarkFigures> = {}): BenchmarkFigures => ({
  question_cases: 12, model_question_share: 0.5, valid_question_share: 0.75, question_latency_p50_ms: 300,
  score_pairs: 8, pair_accuracy: 0.625, mean_score_gap: 0.4, ...overrides,
});

const adapter = (overrides: Partial<Adapter> = {}): Adapter => ({
  id: "a1", organisation_id: "o1", version: 1, base_model_id: "smollm2-135m", dataset_id: "d1", dataset_version: 1,
  status: "ready", hyper_parameters: {}, examples: 40, progress_step: 100, progress_total: 100, progress_loss: 0.8,
  files: { "adapter_model.safetensors": "ab" }, base_model_sha256: "cd", final_loss: 0.812, duration_s: 61.2, device: "cuda:0",
  quantization: null, error: null,
  benchmark: { adapter_id: "a1", base: figures(), adapter: figures({ model_question_share: 0.9, question_latency_p50_ms: 350, pair_accuracy: 0.625 }), cases_version: "1", error: null, duration_s: 20 },
  created_at: "2026-12-01T09:00:00Z", started_at: "2026-12-01T09:00:05Z", finished_at: "2026-12-01T09:01:06Z", benchmarked_at: "2026-12-01T09:01:30Z",
  ...overrides,
});

const running = adapter({
  id: "a2", version: 2, status: "training", progress_step: 30, progress_total: 100, progress_loss: 1.2346, files: {},
  final_loss: null, duration_s: null, benchmark: null, finished_at: null, benchmarked_at: null,
});

const dataset: TrainingDataset = {
  id: "d1", organisation_id: "o1", version: 3, consent_basis: "legitimate interest", created_by: "u1",
  created_at: "2026-12-01T08:00:00Z", question_examples: 42, score_examples: 17, examples_removed: 0,
};

const job = (id: string, title: string, organisation_id = "o1", adapter_id: string | null = null): Job =>
  ({ id, title, organisation_id, adapter_id, description: "", language: "en", scenario_key: "default", competencies: [], effective_rubrics: {}, created_at: "2026-01-01T00:00:00Z", archived_at: null }) as Job;

const organisation = (id: string, name: string, active_adapter_id: string | null = null): Organisation => ({
  id, name, active_adapter_id, emotion_analysis: "off", frames_retention_days: null, audio_retention_days: null,
  transcripts_retention_days: null, embeddings_retention_days: null, owner_id: null, created_at: "2026-01-01T00:00:00Z",
});

const baseModel = (id: string, description: string): AllowedModel => ({ id, backend: "transformers", source: "embedded", sha256: null, revision: null, quantization: null, description });
const BASE_MODELS = [baseModel("smollm2-135m", "SmolLM2 135M, in process"), baseModel("qwen2.5-0.5b", "Qwen2.5 0.5B instruct")];

const ADAPTERS = "GET /training/adapters?organisation_id=o1";
const replies = (extra: Record<string, Reply> = {}): Record<string, Reply> => ({
  "GET /jobs?limit=100": { status: 200, body: [job("j1", "Backend engineer"), job("j9", "Elsewhere", "o2")] },
  // A recruiter's list is their own organisation.
  "GET /organisations": { status: 200, body: [organisation("o1", "Acme")] },
  "GET /training/base-models": { status: 200, body: BASE_MODELS },
  [ADAPTERS]: { status: 200, body: [adapter()] },
  "GET /organisations/o1/training-datasets": { status: 200, body: [dataset] },
  ...extra,
});

/** The method, path and body of each request but the page's reads. */
const writes = (fetchMock: FetchMock) =>
  fetchMock.mock.calls
    .filter(([, init]) => (init?.method ?? "GET") !== "GET")
    .map(([input, init]) => ({ method: init?.method, path: String(input).replace("/api/v1", ""), body: init?.body ? JSON.parse(String(init.body)) : undefined }));

afterEach(() => {
  vi.useRealTimers();
  resetFakeApi();
});

test("a training adapter shows its progress and loss, can be cancelled after asking, and the list refreshes every 3 seconds", async () => {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
  const fetchMock = serve(
    replies({
      [ADAPTERS]: { status: 200, body: [running, adapter()] },
      "POST /training/adapters/a2/cancel": { status: 200, body: { ...running, status: "cancelled" } },
    }),
  );
  await renderPage(<TrainingPage user={recruiter} />);
  const item = screen.getByRole("heading", { name: /Adapter version 2/ }).closest("li")!;
  expect(within(item).getByText("Training")).toBeTruthy();
  expect(within(item).getByText("Step 30 of 100 · loss 1.235")).toBeTruthy();
  const bar = within(item).getByRole("progressbar") as HTMLProgressElement;
  expect([bar.value, bar.max]).toEqual([30, 100]);
  const listed = () => fetchMock.mock.calls.filter(([input]) => String(input).endsWith("/training/adapters?organisation_id=o1")).length;
  expect(listed()).toBe(1);
  act(() => vi.advanceTimersByTime(TRAINING_REFRESH_MS));
  await settle();
  expect(listed()).toBe(2);
  fireEvent.click(within(item).getByRole("button", { name: "Cancel training: Adapter version 2" }));
  expect(writes(fetchMock)).toEqual([]);
  fireEvent.click(within(item).getByRole("button", { name: "Yes, cancel it" }));
  await settle();
  expect(writes(fetchMock)).toEqual([{ method: "POST", path: "/training/adapters/a2/cancel", body: undefined }]);
  expect(within(item).getByText("Cancelled")).toBeTruthy();
  // Nothing runs any more: no more refreshes.
  act(() => vi.advanceTimersByTime(TRAINING_REFRESH_MS * 3));
  await settle();
  expect(listed()).toBe(2);
});

test("a ready adapter's benchmark puts base and adapter side by side and marks the better value", async () => {
  serve(replies());
  await renderPage(<TrainingPage user={recruiter} />);
  const table = screen.getByRole("table", { name: /Benchmark of Adapter version 1/ });
  const row = (name: string) => within(within(table).getByRole("rowheader", { name }).closest("tr")!).getAllByRole("cell");
  const share = row("Questions written by the model");
  expect(share.map((c) => c.textContent)).toEqual(["50%", "90% ✓(better)"]);
  // Lower latency is better: the base wins that row.
  expect(row("Question latency (p50)").map((c) => c.textContent)).toEqual(["300 ms ✓(better)", "350 ms"]);
  // Equal values and counts mark nothing.
  expect(row("Pair accuracy (strong answer scored higher)").map((c) => c.textContent)).toEqual(["63%", "63%"]);
  expect(row("Question cases").map((c) => c.textContent)).toEqual(["12", "12"]);
  expect(screen.getByText("What the organisation's interviews use").nextElementSibling?.textContent).toBe("The base model.");
});

test("the organisation's active adapter and each job's adapter are shown as the server has them", async () => {
  serve(
    replies({
      "GET /organisations": { status: 200, body: [organisation("o1", "Acme", "a1")] },
      [ADAPTERS]: { status: 200, body: [running, adapter()] },
      "GET /jobs?limit=100": {
        status: 200,
        body: [job("j1", "Backend engineer", "o1", "a1"), job("j2", "Frontend engineer"), job("j3", "Designer", "o1", "a2")],
      },
    }),
  );
  await renderPage(<TrainingPage user={recruiter} />);
  expect(screen.getByRole("status").textContent).toBe("Adapter version 1");
  const item = screen.getByRole("heading", { name: /Adapter version 1/ }).closest("li")!;
  expect(within(item).getByText("In use")).toBeTruthy();
  expect(within(item).queryByRole("button", { name: /Activate for the organisation/ })).toBeNull();
  expect(screen.getByRole<HTMLButtonElement>("button", { name: "Use base model" }).disabled).toBe(false);
  const select = (title: string) => screen.getByLabelText(`Adapter for ${title}`) as HTMLSelectElement;
  expect(select("Backend engineer").value).toBe("a1");
  expect(Array.from(select("Backend engineer").options).map((o) => o.textContent)).toEqual(["The organisation's choice", "Adapter version 1"]);
  expect(select("Frontend engineer").value).toBe("organisation");
  // A job's adapter that cannot be chosen now (still training) is still named.
  expect(select("Designer").value).toBe("a2");
  expect(select("Designer").selectedOptions[0].textContent).toBe("Adapter version 2");
});

test("without the organisation or the jobs' choices from the server, the current adapter is shown as unknown", async () => {
  serve(
    replies({
      "GET /organisations": { status: 500, body: { detail: "boom", code: "error" } },
      "GET /jobs?limit=100": { status: 200, body: [{ ...job("j1", "Backend engineer"), adapter_id: undefined }] },
    }),
  );
  await renderPage(<TrainingPage user={recruiter} />);
  expect(screen.getByRole("status").textContent).toBe("—");
  // A recruiter's page works on without it.
  expect(screen.queryByRole("alert")).toBeNull();
  const select = screen.getByLabelText("Adapter for Backend engineer") as HTMLSelectElement;
  expect(select.selectedOptions[0].textContent).toBe("—");
  expect(Array.from(select.options).map((o) => o.textContent)).toEqual(["—", "The organisation's choice", "Adapter version 1"]);
});

test("which side is better", () => {
  expect(betterSide(0.5, 0.9, "higher")).toBe("adapter");
  expect(betterSide(300, 350, "lower")).toBe("base");
  expect(betterSide(1, 1, "higher")).toBeNull();
  expect(betterSide(null, 1, "higher")).toBeNull();
  expect(betterSide(3, 9, null)).toBeNull();
});

test("activating needs a confirmation and sends the PUT; using the base model sends null", async () => {
  const fetchMock = serve(
    replies({
      "PUT /training/organisations/o1/active-adapter": { status: 200, body: { organisation_id: "o1", active_adapter_id: "a1" } },
    }),
  );
  await renderPage(<TrainingPage user={recruiter} />);
  fireEvent.click(screen.getByRole("button", { name: "Activate for the organisation: Adapter version 1" }));
  expect(writes(fetchMock)).toEqual([]);
  fireEvent.click(screen.getByRole("button", { name: "Yes, activate" }));
  await settle();
  expect(writes(fetchMock)).toEqual([{ method: "PUT", path: "/training/organisations/o1/active-adapter", body: { adapter_id: "a1" } }]);
  const active = screen.getByRole("status");
  expect(active.textContent).toBe("Adapter version 1");
  expect(screen.getByText("In use")).toBeTruthy();
  expect(screen.queryByRole("button", { name: "Activate for the organisation: Adapter version 1" })).toBeNull();

  serve(replies({ "PUT /training/organisations/o1/active-adapter": { status: 200, body: { organisation_id: "o1", active_adapter_id: null } } }));
  fireEvent.click(screen.getByRole("button", { name: "Use base model" }));
  await settle();
  const rollback = vi.mocked(fetch).mock.calls.filter(([, init]) => init?.method === "PUT");
  expect(rollback.map(([, init]) => JSON.parse(String(init?.body)))).toEqual([{ adapter_id: null }]);
  expect(screen.getByRole("status").textContent).toBe("The base model.");
  expect(screen.getByRole<HTMLButtonElement>("button", { name: "Use base model" }).disabled).toBe(true);
});

test("a refused activation is shown", async () => {
  serve(
    replies({
      "PUT /training/organisations/o1/active-adapter": {
        status: 409,
        body: { detail: "An adapter is activated only after its benchmark against the base has run.", code: "adapter-not-benchmarked" },
      },
    }),
  );
  await renderPage(<TrainingPage user={recruiter} />);
  fireEvent.click(screen.getByRole("button", { name: "Activate for the organisation: Adapter version 1" }));
  fireEvent.click(screen.getByRole("button", { name: "Yes, activate" }));
  await settle();
  expect(screen.getByRole("alert").textContent).toContain("only after its benchmark");
});

test("re-running the benchmark posts it and shows the adapter benchmarking", async () => {
  const fetchMock = serve(replies({ "POST /training/adapters/a1/benchmark": { status: 202, body: adapter({ status: "benchmarking" }) } }));
  await renderPage(<TrainingPage user={recruiter} />);
  fireEvent.click(screen.getByRole("button", { name: "Re-run benchmark: Adapter version 1" }));
  await settle();
  expect(writes(fetchMock)).toEqual([{ method: "POST", path: "/training/adapters/a1/benchmark", body: undefined }]);
  expect(screen.getByText("Benchmarking")).toBeTruthy();
});

test("training sends the dataset, base model and settings, and lists the new adapter first", async () => {
  const queued = adapter({ id: "a3", version: 3, status: "queued", progress_step: 0, progress_total: 0, progress_loss: null, files: {}, final_loss: null, benchmark: null });
  const fetchMock = serve(replies({ "POST /training/adapters": { status: 202, body: queued } }));
  await renderPage(<TrainingPage user={recruiter} />);
  // The allow-listed base models, the first chosen, each with its description.
  const base = screen.getByLabelText("Base model") as HTMLSelectElement;
  expect(base.tagName).toBe("SELECT");
  expect(base.value).toBe("smollm2-135m");
  expect(Array.from(base.options).map((o) => o.textContent)).toEqual(["smollm2-135m — SmolLM2 135M, in process", "qwen2.5-0.5b — Qwen2.5 0.5B instruct"]);
  // The datasets panel lists the versions; the form offers them, newest first.
  expect(within(screen.getByTestId("datasets-panel")).getAllByTestId("dataset")).toHaveLength(1);
  expect((screen.getByLabelText("Dataset version") as HTMLSelectElement).value).toBe("d1");
  fireEvent.change(screen.getByLabelText("Epochs"), { target: { value: "3" } });
  fireEvent.change(screen.getByLabelText("Learning rate"), { target: { value: "0.0001" } });
  fireEvent.change(screen.getByLabelText("LoRA rank"), { target: { value: "16" } });
  fireEvent.change(screen.getByLabelText("Max steps (0: the epochs decide)"), { target: { value: "50" } });
  fireEvent.click(screen.getByRole("button", { name: "Start training" }));
  await settle();
  expect(writes(fetchMock)).toEqual([
    {
      method: "POST",
      path: "/training/adapters",
      body: { organisation_id: "o1", dataset_id: "d1", base_model_id: "smollm2-135m", hyper_parameters: { epochs: 3, learning_rate: 0.0001, rank: 16, max_steps: 50 } },
    },
  ]);
  const headings = screen.getAllByRole("heading", { level: 3 }).map((h) => h.textContent);
  expect(headings[0]).toContain("Adapter version 3");
  expect(headings[0]).toContain("Queued");
});

test("a 422 about the dataset or the base model is shown next to that input", async () => {
  serve(
    replies({
      "POST /training/adapters": {
        status: 422,
        body: { detail: "The 'dataset_id' field: the dataset has no approved questions.", code: "dataset-without-questions", field: "dataset_id" },
      },
    }),
  );
  await renderPage(<TrainingPage user={recruiter} />);
  fireEvent.click(screen.getByRole("button", { name: "Start training" }));
  await settle();
  const select = screen.getByLabelText("Dataset version");
  expect(select.getAttribute("aria-invalid")).toBe("true");
  expect(document.getElementById(select.getAttribute("aria-describedby")!)?.textContent).toBe("The 'dataset_id' field: the dataset has no approved questions.");
  expect(screen.getByRole("alert").textContent).toContain("Check the fields marked above.");
});

test("without the dataset list (not the owner) the form takes a dataset id", async () => {
  const fetchMock = serve(
    replies({
      "GET /organisations/o1/training-datasets": { status: 403, body: { detail: "Owner only.", code: "forbidden" } },
      "POST /training/adapters": {
        status: 422,
        body: { detail: "The 'base_model_id' field: adapters train on the transformers backend.", code: "model-not-trainable", field: "base_model_id" },
      },
    }),
  );
  await renderPage(<TrainingPage user={recruiter} />);
  // The datasets panel says why it has no list; the form asks for an id instead.
  expect(within(screen.getByTestId("datasets-panel")).getByRole("alert").textContent).toContain("Owner only.");
  expect(screen.getByText("The id of one of your organisation's dataset versions.")).toBeTruthy();
  fireEvent.change(screen.getByLabelText("Dataset id"), { target: { value: " d7 " } });
  fireEvent.change(screen.getByLabelText("Base model"), { target: { value: "qwen2.5-0.5b" } });
  fireEvent.click(screen.getByRole("button", { name: "Start training" }));
  await settle();
  expect(writes(fetchMock)[0].body).toMatchObject({ dataset_id: "d7", base_model_id: "qwen2.5-0.5b" });
  // The base model's 422 is shown next to its select.
  const base = screen.getByLabelText("Base model");
  expect(base.getAttribute("aria-invalid")).toBe("true");
  const described = base.getAttribute("aria-describedby")!.split(" ").map((id) => document.getElementById(id)?.textContent);
  expect(described).toEqual(["An allow-listed model that adapters train on.", "The 'base_model_id' field: adapters train on the transformers backend."]);
});

test("without the list of base models the form takes a model id, the in-process model by default", async () => {
  const fetchMock = serve(
    replies({
      "GET /training/base-models": { status: 403, body: { detail: "Forbidden.", code: "forbidden" } },
      "POST /training/adapters": { status: 202, body: adapter({ id: "a3", version: 3, status: "queued" }) },
    }),
  );
  await renderPage(<TrainingPage user={recruiter} />);
  const base = screen.getByLabelText("Base model") as HTMLInputElement;
  expect(base.tagName).toBe("INPUT");
  expect(base.value).toBe("smollm2-135m");
  fireEvent.change(base, { target: { value: " qwen2.5-0.5b " } });
  fireEvent.click(screen.getByRole("button", { name: "Start training" }));
  await settle();
  expect(writes(fetchMock)[0].body).toMatchObject({ base_model_id: "qwen2.5-0.5b" });
});

test("with no model allow-listed for training the form says so and cannot be sent", async () => {
  serve(replies({ "GET /training/base-models": { status: 200, body: [] } }));
  await renderPage(<TrainingPage user={recruiter} />);
  expect((screen.getByLabelText("Base model") as HTMLSelectElement).selectedOptions[0].textContent).toBe("No model is allow-listed for training.");
  expect(screen.getByRole<HTMLButtonElement>("button", { name: "Start training" }).disabled).toBe(true);
});

test("each of the organisation's jobs can take a benchmarked adapter or the organisation's choice", async () => {
  const fetchMock = serve(
    replies({
      [ADAPTERS]: { status: 200, body: [running, adapter()] },
      "PUT /training/jobs/j1/adapter": { status: 200, body: { job_id: "j1", adapter_id: "a1" } },
    }),
  );
  await renderPage(<TrainingPage user={recruiter} />);
  expect(screen.queryByLabelText("Adapter for Elsewhere")).toBeNull();
  const select = screen.getByLabelText("Adapter for Backend engineer") as HTMLSelectElement;
  // The job takes the organisation's choice; only the benchmarked adapter is offered.
  expect(select.value).toBe("organisation");
  expect(Array.from(select.options).map((o) => o.textContent)).toEqual(["The organisation's choice", "Adapter version 1"]);
  fireEvent.change(select, { target: { value: "a1" } });
  await settle();
  expect(writes(fetchMock)).toEqual([{ method: "PUT", path: "/training/jobs/j1/adapter", body: { adapter_id: "a1" } }]);
  expect(select.value).toBe("a1");

  serve(replies({ "PUT /training/jobs/j1/adapter": { status: 200, body: { job_id: "j1", adapter_id: null } } }));
  fireEvent.change(select, { target: { value: "organisation" } });
  await settle();
  const sent = vi.mocked(fetch).mock.calls.filter(([, init]) => init?.method === "PUT");
  expect(sent.map(([, init]) => JSON.parse(String(init?.body)))).toEqual([{ adapter_id: null }]);
  expect(select.value).toBe("organisation");
});

test("an admin chooses the organisation", async () => {
  const admin: User = { ...recruiter, role: "admin", organisation_id: null };
  const fetchMock = serve(
    replies({
      "GET /organisations": { status: 200, body: [organisation("o1", "Acme", "a1"), organisation("o2", "Globex")] },
      "GET /training/adapters?organisation_id=o2": { status: 200, body: [] },
      "GET /organisations/o2/training-datasets": { status: 200, body: [] },
      "PUT /training/organisations/o1/active-adapter": { status: 200, body: { organisation_id: "o1", active_adapter_id: null } },
    }),
  );
  await renderPage(<TrainingPage user={admin} />);
  await settle();
  expect(screen.getByRole("heading", { name: /Adapter version 1/ })).toBeTruthy();
  expect(screen.getByRole("status").textContent).toBe("Adapter version 1");
  fireEvent.click(screen.getByRole("button", { name: "Use base model" }));
  await settle();
  expect(screen.getByRole("status").textContent).toBe("The base model.");
  fireEvent.change(screen.getByLabelText("Organisation"), { target: { value: "o2" } });
  await settle();
  expect(fetchMock.mock.calls.map(([input]) => String(input))).toContain("/api/v1/training/adapters?organisation_id=o2");
  expect(screen.getByText("No adapter trained yet.")).toBeTruthy();
  expect(screen.getByLabelText("Adapter for Elsewhere")).toBeTruthy();
  expect(screen.getByRole("status").textContent).toBe("The base model.");
  // Back to the first organisation: the choice made here is kept, not the list's older value.
  fireEvent.change(screen.getByLabelText("Organisation"), { target: { value: "o1" } });
  await settle();
  expect(screen.getByRole("status").textContent).toBe("The base model.");
});

test("a recruiter without an organisation is told so", async () => {
  serve(replies());
  await renderPage(<TrainingPage user={{ ...recruiter, organisation_id: null }} />);
  expect(screen.getByText("Your account belongs to no organisation.")).toBeTruthy();
});

test("the page speaks Korean", async () => {
  serve(replies({ [ADAPTERS]: { status: 200, body: [running] } }));
  await renderPage(<TrainingPage user={recruiter} />, "ko");
  expect(screen.getByRole("heading", { level: 1, name: "미세 조정" })).toBeTruthy();
  expect(screen.getByText("100단계 중 30단계 · 손실 1.235")).toBeTruthy();
  expect(screen.getByRole("button", { name: "학습 취소: 어댑터 버전 2" })).toBeTruthy();
  expect(screen.getByLabelText("기본 모델")).toBeTruthy();
  expect(screen.getByRole("status").textContent).toBe("기본 모델.");
});
