import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { InvitePreview } from "../api/client";
import { I18nProvider } from "../i18n";
import { AuthForms } from "./AuthForms";
import { InterviewInviteView, type InterviewInviteViewProps } from "./InvitePages";
import { SessionProvider } from "./session";
import { VerifyEmailView } from "./VerifyEmailPage";

type Reply = { status: number; body?: unknown };

/** The API as the browser sees it: each path answers with a status and a JSON body. */
function serve(replies: Record<string, Reply>) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, _init?: RequestInit) => {
    const path = String(input).replace("/api/v1", "");
    const reply = replies[path] ?? { status: 404, body: { detail: "not found", code: "not-found" } };
    return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
      status: reply.status,
      headers: { "Content-Type": reply.status >= 400 ? "application/problem+json" : "application/json" },
    });
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

const accepted = { email: "casey@example.com", detail: "Check your mail." };
const tokens = { access_token: "a", refresh_token: "r", token_type: "bearer", expires_in: 900 };
const me = { id: "u1", email: "casey@example.com", full_name: "Casey", role: "candidate", organisation_id: null, is_active: true, preferred_language: "en", created_at: "2026-01-01T00:00:00Z" };

function bodyOf(fetchMock: ReturnType<typeof serve>, path: string): Record<string, unknown> {
  const call = fetchMock.mock.calls.find(([input]) => String(input).endsWith(path));
  return JSON.parse(String(call?.[1]?.body)) as Record<string, unknown>;
}

function fillRegistration(email?: string) {
  fireEvent.change(screen.getByLabelText("Full name"), { target: { value: "Casey" } });
  if (email) fireEvent.change(screen.getByLabelText("E-mail"), { target: { value: email } });
  fireEvent.change(screen.getByLabelText("Password"), { target: { value: "a long passphrase" } });
  fireEvent.click(screen.getByRole("button", { name: "Create account" }));
}

function renderForms(props: Partial<Parameters<typeof AuthForms>[0]> = {}) {
  const onSignedIn = vi.fn();
  render(
    <I18nProvider language="en">
      <SessionProvider>
        <AuthForms initialMode="register" onSignedIn={onSignedIn} {...props} />
      </SessionProvider>
    </I18nProvider>,
  );
  return onSignedIn;
}

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

test("after registering, the page says to check the mail sent to the address", async () => {
  const fetchMock = serve({ "/auth/register": { status: 202, body: accepted } });
  const onSignedIn = renderForms();
  fillRegistration("casey@example.com");
  expect((await screen.findByRole("heading", { name: "Check your mail" })).textContent).toBeTruthy();
  expect(screen.getByRole("status").textContent).toContain("casey@example.com");
  expect(bodyOf(fetchMock, "/auth/register")).toMatchObject({ email: "casey@example.com", full_name: "Casey" });
  expect(fetchMock.mock.calls.some(([input]) => String(input).endsWith("/auth/login"))).toBe(false);
  expect(onSignedIn).not.toHaveBeenCalled();
  fireEvent.click(screen.getByRole("button", { name: "Back to sign in" }));
  expect(screen.getByRole("heading", { name: "Sign in" })).toBeTruthy();
});

test("registering through an invite for its address signs in at once", async () => {
  const fetchMock = serve({
    "/auth/register": { status: 202, body: accepted },
    "/auth/login": { status: 200, body: tokens },
    "/users/me": { status: 200, body: me },
  });
  const onSignedIn = renderForms({ lockedEmail: "casey@example.com", inviteToken: "invite-token-1234567890" });
  const email = screen.getByLabelText<HTMLInputElement>("E-mail");
  expect(email.value).toBe("casey@example.com");
  expect(email.readOnly).toBe(true);
  fillRegistration();
  await waitFor(() => expect(onSignedIn).toHaveBeenCalled());
  expect(bodyOf(fetchMock, "/auth/register")).toMatchObject({ invite_token: "invite-token-1234567890" });
});

test("an invite for an address that already has an account leads to the mail, not an error", async () => {
  serve({
    "/auth/register": { status: 202, body: accepted },
    "/auth/login": { status: 401, body: { detail: "The email or password is incorrect.", code: "invalid-credentials" } },
  });
  const onSignedIn = renderForms({ lockedEmail: "casey@example.com", inviteToken: "invite-token-1234567890" });
  fillRegistration();
  expect(await screen.findByRole("heading", { name: "Check your mail" })).toBeTruthy();
  expect(screen.queryByRole("alert")).toBeNull();
  expect(onSignedIn).not.toHaveBeenCalled();
});

test("a refused e-mail address gets the server's message next to the field, with no generic prefix", async () => {
  serve({
    "/auth/register": {
      status: 422,
      body: {
        type: "https://interview.local/problems/invalid-input", title: "Invalid input", status: 422, code: "invalid-input",
        detail: "The request does not match the schema.",
        errors: [{ loc: ["body", "email"], msg: "Value error, not an email address", type: "value_error" }],
      },
    },
  });
  renderForms();
  fillRegistration("casey@example");
  expect((await screen.findByRole("alert")).textContent).toBe("✕ Check the fields marked above.");
  const email = screen.getByLabelText("E-mail");
  expect(email.getAttribute("aria-invalid")).toBe("true");
  expect(document.getElementById("field-email-error")?.textContent).toBe("Not an email address.");
  expect(email.getAttribute("aria-describedby")).toContain("field-email-error");
  expect(document.body.textContent).not.toContain("Something went wrong");
});

test("a weak password is explained next to the password field", async () => {
  const detail = "It is too common or too repetitive to be safe. Use 10 to 128 characters.";
  serve({ "/auth/register": { status: 422, body: { title: "Invalid input", status: 422, code: "weak-password", detail, problems: ["It is too common or too repetitive to be safe."] } } });
  renderForms();
  fillRegistration("casey@example.com");
  await screen.findByRole("alert");
  expect(document.getElementById("field-password-error")?.textContent).toBe(detail);
  expect(screen.getByLabelText("Password").getAttribute("aria-invalid")).toBe("true");
});

test("wrong credentials are said plainly, without 'Something went wrong'", async () => {
  serve({ "/auth/login": { status: 401, body: { detail: "The email or password is incorrect.", code: "invalid-credentials" } } });
  renderForms({ initialMode: "login" });
  fireEvent.change(screen.getByLabelText("E-mail"), { target: { value: "casey@example.com" } });
  fireEvent.change(screen.getByLabelText("Password"), { target: { value: "a long passphrase" } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
  expect((await screen.findByRole("alert")).textContent).toBe("✕ The email or password is incorrect.");
  expect(screen.getByLabelText("E-mail").getAttribute("aria-invalid")).toBeNull();
});

function renderVerify(onConfirm: (password: string) => Promise<unknown>, token: string | null = "signed.link.token") {
  const onDone = vi.fn();
  render(
    <I18nProvider language="en">
      <SessionProvider>
        <VerifyEmailView token={token} onConfirm={onConfirm} onDone={onDone} />
      </SessionProvider>
    </I18nProvider>,
  );
  return onDone;
}

test("the confirmation link asks for the password chosen and signs in", async () => {
  const onConfirm = vi.fn().mockResolvedValue(undefined);
  const onDone = renderVerify(onConfirm);
  fireEvent.change(screen.getByLabelText("Password"), { target: { value: "a long passphrase" } });
  fireEvent.click(screen.getByRole("button", { name: "Confirm and sign in" }));
  await waitFor(() => expect(onDone).toHaveBeenCalled());
  expect(onConfirm).toHaveBeenCalledWith("a long passphrase");
});

test("an expired confirmation link says so and offers to register again", async () => {
  const expired = Object.assign(new Error("This link has expired. Register again to get a new one."), { status: 422, code: "verification-expired" });
  renderVerify(vi.fn().mockRejectedValue(expired));
  fireEvent.change(screen.getByLabelText("Password"), { target: { value: "a long passphrase" } });
  fireEvent.click(screen.getByRole("button", { name: "Confirm and sign in" }));
  expect((await screen.findByRole("alert")).textContent).toContain("expired");
  expect(screen.getByRole("heading", { name: "Create account" })).toBeTruthy();
});

test("a confirmation link without its token says it is incomplete", () => {
  renderVerify(vi.fn(), null);
  expect(screen.getByRole("alert").textContent).toContain("incomplete");
  expect(screen.queryByLabelText("Password")).toBeNull();
});

const preview: InvitePreview = {
  organisation_name: "Acme Hiring",
  job_title: "Platform Engineer",
  language: "en",
  question_count: 5,
  candidate_email: "casey@example.com",
  status: "scheduled",
  accepted: false,
  window_closes_at: null,
};

function renderInvite(overrides: Partial<InterviewInviteViewProps> = {}) {
  const props: InterviewInviteViewProps = {
    token: "invite-token-1234567890",
    preview,
    previewError: null,
    acceptError: null,
    signedInAs: null,
    onSignOut: vi.fn(),
    ...overrides,
  };
  render(
    <I18nProvider language="en">
      <SessionProvider>
        <InterviewInviteView {...props} />
      </SessionProvider>
    </I18nProvider>,
  );
  return props;
}

test("the invite shows who invites, for what, and registers with the invited address", () => {
  renderInvite();
  expect(screen.getByText(/Acme Hiring invites you to an interview for Platform Engineer: 5 questions, in English/)).toBeTruthy();
  const email = screen.getByLabelText<HTMLInputElement>("E-mail");
  expect(email.value).toBe("casey@example.com");
  expect(email.readOnly).toBe(true);
  expect(screen.getByRole("heading", { name: "Create account" })).toBeTruthy();
});

test("signed in as someone else, the invite says so and offers to sign in as someone else", () => {
  const props = renderInvite({ signedInAs: "other@example.com" });
  const alert = screen.getByRole("alert").textContent ?? "";
  expect(alert).toContain("casey@example.com");
  expect(alert).toContain("other@example.com");
  fireEvent.click(screen.getByRole("button", { name: "Sign in as someone else" }));
  expect(props.onSignOut).toHaveBeenCalled();
});

test("a link naming no invitation says it is not valid, with no form", () => {
  renderInvite({ preview: null, previewError: "invalid" });
  expect(screen.getByRole("alert").textContent).toContain("not valid");
  expect(screen.queryByLabelText("E-mail")).toBeNull();
});
