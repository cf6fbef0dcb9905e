import { fireEvent, screen, within } from "@testing-library/react";
import type { TrainingDataset } from "../api/client";
import { renderPage, resetFakeApi, serve, settle } from "../test/fakeApi";
import { DatasetsPanel } from "./DatasetsPanel";

const PATH = "/organisations/o/training-datasets";
const CONSENT = "legitimate interest: candidates were told their answers improve our interviews";

function dataset(version: number, overrides: Partial<TrainingDataset> = {}): TrainingDataset {
  return {
    id: `d${version}`, organisation_id: "o", version, consent_basis: CONSENT, created_by: "u", created_at: "2026-03-01T10:00:00Z",
    question_examples: 3, score_examples: 2, examples_removed: 0,
    ...overrides,
  };
}

afterEach(resetFakeApi);

test("versions are listed newest first with what they hold, and each downloads as JSONL", async () => {
  const fetchMock = serve({
    [`GET ${PATH}`]: { status: 200, body: [dataset(2, { examples_removed: 1 }), dataset(1)] },
    [`GET ${PATH}/d2/export.jsonl`]: { status: 200, body: { kind: "question" } },
  });
  const originals = { create: URL.createObjectURL, revoke: URL.revokeObjectURL };
  URL.createObjectURL = vi.fn(() => "blob:dataset");
  URL.revokeObjectURL = vi.fn();
  try {
    await renderPage(<DatasetsPanel organisationId="o" />);
    const [second, first] = screen.getAllByTestId("dataset");
    expect(second.textContent).toContain("Version 2 · 3 questions, 2 scores");
    expect(second.textContent).toContain(`Consent basis: ${CONSENT}`);
    expect(second.textContent).toContain("1 examples removed since");
    expect(first.textContent).not.toContain("removed since");
    fireEvent.click(within(second).getByRole("button", { name: "Download version 2 as JSONL" }));
    await settle();
    expect(fetchMock).toHaveBeenLastCalledWith(`/api/v1${PATH}/d2/export.jsonl`, expect.anything());
    expect(URL.createObjectURL).toHaveBeenCalled();
  } finally {
    URL.createObjectURL = originals.create;
    URL.revokeObjectURL = originals.revoke;
  }
});

test("a new version is made with the consent basis given", async () => {
  const fetchMock = serve({ [`GET ${PATH}`]: { status: 200, body: [] }, [`POST ${PATH}`]: { status: 201, body: dataset(1) } });
  await renderPage(<DatasetsPanel organisationId="o" />);
  expect(screen.getByText("No dataset yet.")).toBeTruthy();
  const create = screen.getByRole("button", { name: "Create a new version" }) as HTMLButtonElement;
  const field = screen.getByLabelText("Consent basis");
  fireEvent.change(field, { target: { value: "too short" } });
  expect(create.disabled).toBe(true);
  fireEvent.change(field, { target: { value: `  ${CONSENT}  ` } });
  fireEvent.click(create);
  await settle();
  const posted = fetchMock.mock.calls.find(([, init]) => init?.method === "POST");
  expect(JSON.parse(String(posted?.[1]?.body))).toEqual({ consent_basis: CONSENT });
  expect(screen.getAllByTestId("dataset")).toHaveLength(1);
  expect(screen.getByText("✓ Version 1 created.")).toBeTruthy();
  expect((field as HTMLTextAreaElement).value).toBe("");
});

test("nothing to snapshot says so; a refused consent basis is shown at its field, in Korean", async () => {
  serve({
    [`GET ${PATH}`]: { status: 200, body: [] },
    [`POST ${PATH}`]: { status: 409, body: { detail: "There is no feedback to build a dataset from yet.", code: "no-feedback-to-snapshot" } },
  });
  await renderPage(<DatasetsPanel organisationId="o" />, "ko");
  expect(screen.getByRole("heading", { name: "학습 데이터셋" })).toBeTruthy();
  fireEvent.change(screen.getByLabelText("동의 근거"), { target: { value: CONSENT } });
  fireEvent.click(screen.getByRole("button", { name: "새 버전 만들기" }));
  expect((await screen.findByRole("alert")).textContent).toContain("There is no feedback to build a dataset from yet.");

  serve({
    [`POST ${PATH}`]: {
      status: 422,
      body: { detail: "The request does not match the schema.", code: "invalid-input", errors: [{ loc: ["body", "consent_basis"], msg: "String should have at most 500 characters", type: "string_too_long" }] },
    },
  });
  fireEvent.click(screen.getByRole("button", { name: "새 버전 만들기" }));
  await settle();
  expect(screen.getByRole("alert").textContent).toBe("String should have at most 500 characters.");
  expect(screen.getByLabelText("동의 근거").getAttribute("aria-invalid")).toBe("true");
});
