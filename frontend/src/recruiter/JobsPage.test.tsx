import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import type { Job } from "../api/client";
import { renderPage, resetFakeApi, serve } from "../test/fakeApi";
import { JobsPage } from "./JobsPage";

const job: Job = {
  id: "j1", organisation_id: "o1", title: "Platform engineer", description: "Runs the platform.", language: "en",
  competencies: [{ key: "job_skill", name: "Job skills", description: "", weight: 3, rubric: null }],
  scenario_key: "default", created_at: "2026-01-01T00:00:00Z", effective_rubrics: {},
};

/** The problem+json body FastAPI's validation handler sends (errors/handlers.py). */
const schemaProblem = (errors: { loc: (string | number)[]; msg: string; type: string }[]) => ({
  type: "https://interview.local/problems/invalid-input", title: "Invalid input", status: 422,
  detail: "The request does not match the schema.", code: "invalid-input", errors,
});

/** The page with its job list loaded. */
const renderJobs = (language: "en" | "ko" = "en") => renderPage(<JobsPage />, language);

afterEach(resetFakeApi);

test("title and description show the server's limits before they are reached", async () => {
  serve({ "GET /jobs?limit=100": { status: 200, body: [] } });
  await renderJobs();
  fireEvent.click(screen.getByRole("button", { name: "+ New job" }));
  const title = screen.getByLabelText<HTMLInputElement>("Title");
  const description = screen.getByLabelText<HTMLTextAreaElement>("Description");
  expect(title.maxLength).toBe(200);
  expect(description.maxLength).toBe(20000);
  expect(screen.getByText("0 / 200 characters")).toBeTruthy();
  fireEvent.change(title, { target: { value: "Platform engineer" } });
  expect(screen.getByText("17 / 200 characters")).toBeTruthy();
  expect(screen.getByText("0 / 20,000 characters")).toBeTruthy();
  // The counter is read with the field.
  expect(title.getAttribute("aria-describedby")).toContain("field-job-title-count");
});

test("a field the server refuses gets its message next to it, with no 'Something went wrong' prefix", async () => {
  const fetchMock = serve({
    "GET /jobs?limit=100": { status: 200, body: [] },
    "POST /jobs": {
      status: 422,
      body: schemaProblem([
        { loc: ["body", "title"], msg: "String should have at most 200 characters", type: "string_too_long" },
        { loc: ["body", "competencies", 1, "weight"], msg: "Input should be greater than 0", type: "greater_than" },
      ]),
    },
  });
  await renderJobs();
  fireEvent.click(screen.getByRole("button", { name: "+ New job" }));
  fireEvent.change(screen.getByLabelText("Title"), { target: { value: "Platform engineer" } });
  fireEvent.change(screen.getByLabelText("Description"), { target: { value: "Runs the platform." } });
  fireEvent.click(screen.getByRole("button", { name: "Create" }));

  expect((await screen.findByRole("alert")).textContent).toBe("✕ Check the fields marked above.");
  const title = screen.getByLabelText("Title");
  expect(title.getAttribute("aria-invalid")).toBe("true");
  const describedBy = (title.getAttribute("aria-describedby") ?? "").split(" ");
  const messages = describedBy.map((id) => document.getElementById(id)?.textContent);
  expect(messages).toContain("String should have at most 200 characters.");
  const weight = screen.getByLabelText("Weight 2");
  expect(weight.getAttribute("aria-invalid")).toBe("true");
  // The weight is described by its hint and, now, the server's message.
  const weightNotes = (weight.getAttribute("aria-describedby") ?? "").split(" ").map((id) => document.getElementById(id)?.textContent);
  expect(weightNotes).toContain("Input should be greater than 0.");
  expect(document.body.textContent).not.toContain("Something went wrong");
  expect(document.body.textContent).not.toContain("does not match the schema");
  expect(fetchMock.mock.calls.filter(([, init]) => init?.method === "POST")).toHaveLength(1);
});

test("a schema problem with no input of its own is told plainly, naming the field", async () => {
  serve({
    "GET /jobs?limit=100": { status: 200, body: [] },
    "POST /jobs": { status: 422, body: schemaProblem([{ loc: ["body", "organisation_id"], msg: "Input should be a valid UUID", type: "uuid_parsing" }]) },
  });
  await renderJobs();
  fireEvent.click(screen.getByRole("button", { name: "+ New job" }));
  fireEvent.change(screen.getByLabelText("Title"), { target: { value: "Platform engineer" } });
  fireEvent.change(screen.getByLabelText("Description"), { target: { value: "Runs the platform." } });
  fireEvent.click(screen.getByRole("button", { name: "Create" }));
  expect((await screen.findByRole("alert")).textContent).toBe("✕ organisation_id: Input should be a valid UUID.");
});

test("a job is edited in place and saved with PATCH", async () => {
  const fetchMock = serve({
    "GET /jobs?limit=100": { status: 200, body: [job] },
    "PATCH /jobs/j1": { status: 200, body: { ...job, title: "Staff platform engineer" } },
  });
  await renderJobs();
  fireEvent.click(await screen.findByRole("button", { name: "Edit job: Platform engineer" }));
  const form = screen.getByRole("form", { name: "Edit job: Platform engineer" });
  const title = within(form).getByLabelText<HTMLInputElement>("Title");
  expect(title.value).toBe("Platform engineer");
  fireEvent.change(title, { target: { value: "Staff platform engineer" } });
  fireEvent.click(within(form).getByRole("button", { name: "Save" }));
  await waitFor(() => expect(fetchMock.mock.calls.some(([, init]) => init?.method === "PATCH")).toBe(true));
  const patch = fetchMock.mock.calls.find(([, init]) => init?.method === "PATCH");
  expect(String(patch?.[0])).toBe("/api/v1/jobs/j1");
  expect(JSON.parse(String(patch?.[1]?.body))).toMatchObject({ title: "Staff platform engineer", description: "Runs the platform." });
  await waitFor(() => expect(screen.queryByRole("form", { name: "Edit job: Platform engineer" })).toBeNull());
});

test("the Korean counter reads naturally", async () => {
  serve({ "GET /jobs?limit=100": { status: 200, body: [] } });
  await renderJobs("ko");
  fireEvent.click(screen.getByRole("button", { name: "+ 새 공고" }));
  expect(screen.getByText("0 / 200자")).toBeTruthy();
});

test("removing a competency is marked as a danger action", async () => {
  serve({ "GET /jobs?limit=100": { status: 200, body: [] } });
  await renderJobs();
  fireEvent.click(screen.getByRole("button", { name: "+ New job" }));
  const remove = screen.getByRole("button", { name: "Remove: Job skills" });
  expect(remove.classList.contains("danger")).toBe(true);
});

test("each competency is one labelled row whose description and anchors are sent with the job", async () => {
  const fetchMock = serve({
    "GET /jobs?limit=100": { status: 200, body: [] },
    "POST /jobs": { status: 201, body: job },
  });
  await renderJobs();
  fireEvent.click(screen.getByRole("button", { name: "+ New job" }));
  const row = screen.getByRole("group", { name: "Competency 1" });
  // The labels are visible text, not only names for screen readers.
  const weightLabel = row.querySelector<HTMLLabelElement>("label[for$='-weight']");
  expect(weightLabel?.textContent).toBe("Weight 1");
  expect(weightLabel?.querySelector(".visually-hidden")?.textContent).toBe(" 1");
  expect(within(row).getByLabelText("Weight 1").getAttribute("aria-describedby")).toContain("weight-hint");
  expect(within(row).getByText(/How much it counts in the overall result/)).toBeTruthy();
  fireEvent.change(within(row).getByLabelText("What it covers 1"), { target: { value: "Designs reliable services" } });
  fireEvent.change(within(row).getByLabelText("Level 1 anchor (Competency 1)"), { target: { value: "Names tools only." } });
  fireEvent.change(within(row).getByLabelText("Level 3 anchor (Competency 1)"), { target: { value: "A real case, thin." } });
  fireEvent.change(within(row).getByLabelText("Level 5 anchor (Competency 1)"), { target: { value: "A case with a measured result." } });
  fireEvent.change(screen.getByLabelText("Title"), { target: { value: "Platform engineer" } });
  fireEvent.change(screen.getByLabelText("Description"), { target: { value: "Runs the platform." } });
  fireEvent.click(screen.getByRole("button", { name: "Create" }));
  await waitFor(() => expect(fetchMock.mock.calls.some(([, init]) => init?.method === "POST")).toBe(true));
  const post = fetchMock.mock.calls.find(([, init]) => init?.method === "POST");
  const sent = JSON.parse(String(post?.[1]?.body)) as { competencies: Job["competencies"] };
  expect(sent.competencies[0]).toMatchObject({
    key: "job_skill",
    description: "Designs reliable services",
    rubric: { level_1: "Names tools only.", level_3: "A real case, thin.", level_5: "A case with a measured result." },
  });
  // Anchors left empty keep the defaults.
  expect(sent.competencies[1].rubric ?? null).toBeNull();
});

test("a refused anchor is shown in its competency's row", async () => {
  serve({
    "GET /jobs?limit=100": { status: 200, body: [] },
    "POST /jobs": {
      status: 422,
      body: schemaProblem([{ loc: ["body", "competencies", 0, "rubric", "level_3"], msg: "String should have at least 1 character", type: "string_too_short" }]),
    },
  });
  await renderJobs();
  fireEvent.click(screen.getByRole("button", { name: "+ New job" }));
  fireEvent.change(screen.getByLabelText("Level 1 anchor (Competency 1)"), { target: { value: "Names tools only." } });
  fireEvent.change(screen.getByLabelText("Title"), { target: { value: "Platform engineer" } });
  fireEvent.change(screen.getByLabelText("Description"), { target: { value: "Runs the platform." } });
  fireEvent.click(screen.getByRole("button", { name: "Create" }));
  expect((await screen.findByRole("alert")).textContent).toBe("✕ Check the fields marked above.");
  expect(within(screen.getByRole("group", { name: "Competency 1" })).getByText("String should have at least 1 character.")).toBeTruthy();
});

test("the scenarios are named with their number of questions and explained", async () => {
  serve({ "GET /jobs?limit=100": { status: 200, body: [job] } });
  await renderJobs();
  expect(screen.getByText(/Scenario: Standard interview: 15 questions/)).toBeTruthy();
  // A weight on the card says what the number is.
  expect(within(screen.getByRole("list", { name: "Competencies and weights" })).getByText("Job skills · weight 3")).toBeTruthy();
  fireEvent.click(screen.getByRole("button", { name: "+ New job" }));
  const scenario = screen.getByLabelText<HTMLSelectElement>("Scenario");
  expect(Array.from(scenario.options).map((o) => [o.value, o.textContent])).toEqual([
    ["default", "Standard interview: 15 questions"],
    ["short", "Short screening: 5 questions"],
  ]);
  expect(document.getElementById(scenario.getAttribute("aria-describedby") ?? "")?.textContent).toMatch(/15 questions.*5 questions/);
});

test("a new Korean job starts with the default competencies in Korean, and written ones are kept", async () => {
  serve({ "GET /jobs?limit=100": { status: 200, body: [] } });
  await renderJobs();
  fireEvent.click(screen.getByRole("button", { name: "+ New job" }));
  const language = screen.getByLabelText("Interview language");
  fireEvent.change(language, { target: { value: "ko" } });
  expect(screen.getByLabelText<HTMLInputElement>("Competency 1").value).toBe("직무 역량");
  expect(screen.getByLabelText<HTMLInputElement>("Competency 2").value).toBe("의사소통");
  fireEvent.change(screen.getByLabelText("Competency 2"), { target: { value: "협업" } });
  fireEvent.change(language, { target: { value: "en" } });
  expect(screen.getByLabelText<HTMLInputElement>("Competency 1").value).toBe("직무 역량");
  expect(screen.getByLabelText<HTMLInputElement>("Competency 2").value).toBe("협업");
});

test("a job is archived with PATCH, listed apart, and restored", async () => {
  const archivedJob = { ...job, archived_at: "2026-02-01T00:00:00Z" };
  serve({ "GET /jobs?limit=100": { status: 200, body: [job] } });
  await renderJobs();
  const archive = screen.getByRole("button", { name: "Archive job: Platform engineer" });
  expect(document.getElementById(archive.getAttribute("aria-describedby") ?? "")?.textContent).toMatch(/can be restored/);
  // The list the page reloads after archiving.
  const fetchMock = serve({ "GET /jobs?limit=100": { status: 200, body: [archivedJob] }, "PATCH /jobs/j1": { status: 200, body: archivedJob } });
  fireEvent.click(archive);
  await waitFor(() => expect(screen.getByText("Archived jobs (1)")).toBeTruthy());
  expect(JSON.parse(String(fetchMock.mock.calls.find(([, init]) => init?.method === "PATCH")?.[1]?.body))).toEqual({ archived: true });
  // No invite form for an archived job.
  expect(screen.queryByLabelText("Candidate e-mail")).toBeNull();
  expect(screen.getByText(/Archived on .*new invites are closed/)).toBeTruthy();
  const restoreMock = serve({ "GET /jobs?limit=100": { status: 200, body: [job] }, "PATCH /jobs/j1": { status: 200, body: job } });
  fireEvent.click(screen.getByRole("button", { name: "Restore job: Platform engineer" }));
  await waitFor(() => expect(screen.queryByText("Archived jobs (1)")).toBeNull());
  expect(JSON.parse(String(restoreMock.mock.calls.find(([, init]) => init?.method === "PATCH")?.[1]?.body))).toEqual({ archived: false });
  expect(screen.getByLabelText("Candidate e-mail")).toBeTruthy();
});
