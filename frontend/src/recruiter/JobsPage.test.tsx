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
  expect(document.getElementById(weight.getAttribute("aria-describedby") ?? "")?.textContent).toBe("Input should be greater than 0.");
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
