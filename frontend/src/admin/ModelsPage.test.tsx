import { act, fireEvent, screen, within } from "@testing-library/react";
import { vi } from "vitest";
import type { ModelSlot, ModelsOverview } from "../api/client";
import { renderPage, resetFakeApi, serve, settle, type FetchMock } from "../test/fakeApi";
import { LOADING_REFRESH_MS, ModelsPage } from "./ModelsPage";

const SHA = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

const slot = (overrides: Partial<ModelSlot> = {}): ModelSlot => ({
  slot: "questions", model_id: "smollm2-135m", state: "serving", pending_model_id: null, pending_since: null,
  last_load: null, last_error: null, updated_at: "2026-12-01T10:00:00Z", ...overrides,
});

const overview = (questions: ModelSlot = slot()): ModelsOverview => ({
  checked_at: "2026-12-01T10:00:00Z",
  allowed: [
    { id: "qwen2.5-coder-1.5b-q4km", backend: "llamacpp", source: "embedded", sha256: null, quantization: "Q4_K_M", description: "Qwen on llama.cpp" },
    { id: "smollm2-135m", backend: "transformers", source: "embedded", sha256: null, quantization: null, description: "SmolLM2 in process" },
  ],
  questions,
  question_workers: [
    {
      hostname: "gpu-1", pid: 41, unloaded: false,
      models: [
        {
          model_id: "smollm2-135m", backend: "transformers", device: "cuda:0", quantization: null, sha256: SHA, memory_mb: 540.4,
          adapters: ["acme-v2"], loaded_at: "2026-12-01T09:00:00Z", requests: 17, latency_p50_ms: 120.2, latency_p95_ms: 480.9,
        },
      ],
      engine: { model_id: "qwen2.5-coder-1.5b-q4km", sha256: SHA, quantization: "Q4_K_M", ready: true, pid: 77, memory_mb: 1200, started_at: "2026-12-01T08:00:00Z" },
    },
  ],
  cpu_workers: [
    { hostname: "cpu-1", role: "cpu", pid: 12, models: [{ slot: "speech", model_id: "whisper-small", backend: "ctranslate2", device: "cpu", quantization: "int8", memory_mb: 300 }] },
  ],
});

/** The paths and bodies of the POSTs sent, in order. */
const posts = (fetchMock: FetchMock) =>
  fetchMock.mock.calls
    .filter(([, init]) => init?.method === "POST")
    .map(([input, init]) => ({ path: String(input).replace("/api/v1", ""), body: init?.body ? JSON.parse(String(init.body)) : undefined }));

afterEach(() => {
  vi.useRealTimers();
  resetFakeApi();
});

test("a serving slot, each GPU worker's models and engine, the CPU workers' models and the allow-list", async () => {
  serve({ "GET /admin/models": { status: 200, body: overview() } });
  await renderPage(<ModelsPage />);
  expect(screen.getByRole("status").textContent).toContain("Questions come from smollm2-135m.");
  const models = screen.getByRole("table", { name: "Models on gpu-1" });
  const row = within(models).getAllByRole("row")[1];
  for (const text of ["smollm2-135m", "transformers", "cuda:0", "0123456789ab", "540 MB", "acme-v2", "17", "120 ms / 481 ms"])
    expect(within(row).getByText(text)).toBeTruthy();
  const engine = screen.getByRole("table", { name: "llama.cpp engine on gpu-1" });
  expect(within(engine).getByText("Ready")).toBeTruthy();
  expect(within(engine).getByText("1200 MB")).toBeTruthy();
  expect(screen.getByText("whisper-small")).toBeTruthy();
  expect(screen.getByText("int8")).toBeTruthy();
  expect(screen.getByRole("button", { name: "Load qwen2.5-coder-1.5b-q4km" })).toBeTruthy();
  expect(screen.getByRole("button", { name: "Load configured model" })).toBeTruthy();
});

test("an unloaded slot says candidates get bank questions; no worker is said plainly", async () => {
  serve({
    "GET /admin/models": {
      status: 200,
      body: { ...overview(slot({ state: "unloaded", last_error: "gpu-1: out of memory" })), question_workers: [], cpu_workers: [] },
    },
  });
  await renderPage(<ModelsPage />);
  expect(screen.getByRole("status").textContent).toContain("Candidates get questions from the vetted bank until a model is loaded");
  expect(screen.getByText("Last error: gpu-1: out of memory")).toBeTruthy();
  expect(screen.getByText("No GPU worker answered.")).toBeTruthy();
  expect(screen.getByText("No CPU worker answered.")).toBeTruthy();
  // Already unloaded: nothing to unload.
  expect(screen.queryByRole("button", { name: "Unload" })).toBeNull();
});

test("loading a model sends its id, shows it loading, and asks again every 5 seconds until it serves", async () => {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
  const loading = slot({ state: "loading", pending_model_id: "qwen2.5-coder-1.5b-q4km", pending_since: "2026-12-01T10:01:00Z" });
  const fetchMock = serve({
    "GET /admin/models": { status: 200, body: overview() },
    "POST /admin/models/questions/load": { status: 202, body: loading },
  });
  await renderPage(<ModelsPage />);
  fireEvent.click(screen.getByRole("button", { name: "Load qwen2.5-coder-1.5b-q4km" }));
  await settle();
  expect(posts(fetchMock)).toEqual([{ path: "/admin/models/questions/load", body: { model_id: "qwen2.5-coder-1.5b-q4km" } }]);
  expect(screen.getByRole("status").textContent).toContain("Loading qwen2.5-coder-1.5b-q4km since");
  const overviews = () => fetchMock.mock.calls.filter(([input, init]) => String(input).endsWith("/admin/models") && (init?.method ?? "GET") === "GET").length;
  expect(overviews()).toBe(1);
  // The next overview has switched: the page stops asking.
  act(() => vi.advanceTimersByTime(LOADING_REFRESH_MS));
  await settle();
  expect(overviews()).toBe(2);
  expect(screen.getByRole("status").textContent).toContain("Questions come from smollm2-135m.");
  act(() => vi.advanceTimersByTime(LOADING_REFRESH_MS * 3));
  await settle();
  expect(overviews()).toBe(2);
});

test("the configured model is loaded with a null id", async () => {
  const fetchMock = serve({
    "GET /admin/models": { status: 200, body: overview() },
    "POST /admin/models/questions/load": { status: 202, body: slot({ state: "loading", pending_since: "2026-12-01T10:01:00Z" }) },
  });
  await renderPage(<ModelsPage />);
  fireEvent.click(screen.getByRole("button", { name: "Load configured model" }));
  await settle();
  expect(posts(fetchMock)).toEqual([{ path: "/admin/models/questions/load", body: { model_id: null } }]);
  expect(screen.getByRole("status").textContent).toContain("Loading the workers' configured model since");
});

test("a load refused with 422 shows the server's message naming the field", async () => {
  const detail = "The 'model_id' field: 'smollm2-135m' is not on the model allow-list (MODEL_ALLOW_LIST and the packaged models).";
  serve({
    "GET /admin/models": { status: 200, body: overview() },
    "POST /admin/models/questions/load": { status: 422, body: { detail, code: "model-not-allowed", field: "model_id" } },
  });
  await renderPage(<ModelsPage />);
  fireEvent.click(screen.getByRole("button", { name: "Load smollm2-135m" }));
  await settle();
  expect(screen.getByRole("alert").textContent).toContain(detail);
  // The slot is unchanged.
  expect(screen.getByRole("status").textContent).toContain("Questions come from smollm2-135m.");
});

test("warm-up posts at once; unload asks first, then frees the models", async () => {
  const fetchMock = serve({
    "GET /admin/models": { status: 200, body: overview() },
    "POST /admin/models/questions/warm-up": { status: 202, body: slot() },
    "POST /admin/models/questions/unload": { status: 200, body: slot({ state: "unloaded" }) },
  });
  await renderPage(<ModelsPage />);
  fireEvent.click(screen.getByRole("button", { name: "Warm up" }));
  await settle();
  fireEvent.click(screen.getByRole("button", { name: "Unload" }));
  expect(posts(fetchMock).map((p) => p.path)).toEqual(["/admin/models/questions/warm-up"]);
  expect(screen.getByRole("group", { name: /Unload the question models\?/ })).toBeTruthy();
  fireEvent.click(screen.getByRole("button", { name: "Yes, unload" }));
  await settle();
  expect(posts(fetchMock).map((p) => p.path)).toEqual(["/admin/models/questions/warm-up", "/admin/models/questions/unload"]);
  expect(screen.getByRole("status").textContent).toContain("Candidates get questions from the vetted bank until a model is loaded");
});

test("a failed overview is shown with the error note", async () => {
  serve({ "GET /admin/models": { status: 403, body: { detail: "Admins only.", code: "forbidden" } } });
  await renderPage(<ModelsPage />);
  expect(screen.getByRole("alert").textContent).toContain("Admins only.");
});

test("the page speaks Korean", async () => {
  serve({ "GET /admin/models": { status: 200, body: overview(slot({ state: "unloaded" })) } });
  await renderPage(<ModelsPage />, "ko");
  expect(screen.getByRole("heading", { name: "모델 운영" })).toBeTruthy();
  expect(screen.getByRole("status").textContent).toContain("모델을 불러올 때까지 지원자는 검증된 질문 은행의 질문을 받습니다.");
  expect(screen.getByRole("button", { name: "설정된 모델 불러오기" })).toBeTruthy();
});
