import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { InterviewState } from "../api/client";
import { I18nProvider, type Language } from "../i18n";
import { ConsentScreen } from "./ConsentScreen";
import { sizeText } from "./ResumeUpload";

const { start } = vi.hoisted(() => ({ start: vi.fn() }));
// Only the start is replaced: the résumé upload goes through the real client to the stubbed fetch.
vi.mock("../api/client", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../api/client")>();
  return { ...actual, api: { ...actual.api, start } };
});

const started = { phase: "answering" } as InterviewState;
const cameraOnly = () => ({ getVideoTracks: () => [{}], getAudioTracks: () => [], getTracks: () => [{ stop: vi.fn() }] }) as unknown as MediaStream;

function stubDevices(getUserMedia: () => Promise<MediaStream>) {
  const mock = vi.fn(getUserMedia);
  Object.defineProperty(navigator, "mediaDevices", { value: { getUserMedia: mock }, configurable: true });
  return mock;
}

// The server's default (config.py); a test of another limit passes its own.
const DEFAULT_MAX_RESUME_BYTES = 5 * 1024 * 1024;

function renderConsent(emotionOffered: boolean, language: Language = "en", maxResumeBytes = DEFAULT_MAX_RESUME_BYTES) {
  const onStarted = vi.fn();
  render(
    <I18nProvider language={language}>
      <ConsentScreen interviewId="i1" emotionOffered={emotionOffered} maxResumeBytes={maxResumeBytes} onStarted={onStarted} />
    </I18nProvider>,
  );
  return onStarted;
}

beforeEach(() => {
  start.mockReset().mockResolvedValue(started);
  vi.stubGlobal("fetch", vi.fn().mockResolvedValue({ ok: true }));
});
afterEach(() => {
  vi.unstubAllGlobals();
  Reflect.deleteProperty(navigator, "mediaDevices");
});

test("no consent is ticked in advance and the interview starts without any", async () => {
  const onStarted = renderConsent(false);
  const boxes = screen.getAllByRole<HTMLInputElement>("checkbox");
  expect(boxes.map((box) => box.checked)).toEqual([false, false]);
  fireEvent.click(screen.getByRole("button", { name: "Start the interview" }));
  await waitFor(() => expect(onStarted).toHaveBeenCalledWith(started, null));
  expect(start).toHaveBeenCalledWith("i1", { audio: false, video: false, emotion: false });
});

test("expression analysis is asked only where the organisation has it on", async () => {
  stubDevices(() => Promise.resolve(cameraOnly()));
  renderConsent(true);
  const emotion = screen.getByLabelText(/facial expressions/) as HTMLInputElement;
  expect(emotion.checked).toBe(false);
  expect(emotion.disabled).toBe(true);
  fireEvent.click(screen.getByLabelText(/Use my camera/));
  fireEvent.click(emotion);
  expect(emotion.checked).toBe(true);
  fireEvent.click(screen.getByRole("button", { name: "Start the interview" }));
  await waitFor(() => expect(start).toHaveBeenCalledWith("i1", { audio: false, video: true, emotion: true }));
});

test("without the organisation's emotion analysis there is no expression consent", async () => {
  renderConsent(false);
  await screen.findByText(/Connected/);
  expect(screen.queryByLabelText(/facial expressions/)).toBeNull();
});

test("a ticked device that cannot be opened is said plainly, with a retry", async () => {
  const getUserMedia = stubDevices(() => Promise.reject(new DOMException("Permission denied", "NotAllowedError")));
  renderConsent(false);
  fireEvent.click(screen.getByLabelText(/Use my camera/));
  expect((await screen.findByRole("alert")).textContent).toContain("could not be opened, although you allowed it");
  expect(screen.getByText("Camera could not be opened")).toBeTruthy();
  expect(screen.queryByText("Camera not used")).toBeNull();
  getUserMedia.mockResolvedValueOnce(cameraOnly());
  fireEvent.click(screen.getByRole("button", { name: "Try again" }));
  await waitFor(() => expect(screen.queryByRole("alert")).toBeNull());
  expect(getUserMedia).toHaveBeenCalledTimes(2);
  expect(screen.getByLabelText("Camera preview").tagName).toBe("VIDEO");
});

const RESUME = { id: "00000000-0000-0000-0000-00000000c0de", filename: "jane-doe.pdf", content_type: "application/pdf", size_bytes: 9, text: "Jane Doe.", created_at: "2026-03-02T09:00:00Z" };

/** The health check answers as before; the résumé upload gets `resumeResponse`. */
function stubFetch(resumeResponse: () => Response) {
  const fetch = vi.fn((url: string, _init?: RequestInit) => Promise.resolve(url === "/api/v1/resumes" ? resumeResponse() : ({ ok: true } as Response)));
  vi.stubGlobal("fetch", fetch);
  return () => fetch.mock.calls.filter(([url]) => url === "/api/v1/resumes");
}

const json = (body: unknown, status: number, contentType = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": contentType } });

function choose(file: File, label = "Résumé file") {
  fireEvent.change(screen.getByLabelText(label), { target: { files: [file] } });
}

test("a chosen résumé is uploaded at once and its id goes into the start request", async () => {
  const uploads = stubFetch(() => json(RESUME, 201));
  const onStarted = renderConsent(false);
  const file = new File(["%PDF-1.7 "], "jane-doe.pdf", { type: "application/pdf" });
  choose(file);
  // The interview cannot start while the file is on its way.
  expect(screen.getByText("Uploading jane-doe.pdf…")).toBeTruthy();
  expect((screen.getByRole("button", { name: "Start the interview" }) as HTMLButtonElement).disabled).toBe(true);
  expect((await screen.findByTestId("resume-chosen")).textContent).toContain("jane-doe.pdf is uploaded");
  const [[, init]] = uploads();
  expect(init?.method).toBe("POST");
  const sent = (init?.body as FormData).get("file") as File;
  expect([sent.name, await sent.text()]).toEqual(["jane-doe.pdf", await file.text()]);
  fireEvent.click(screen.getByRole("button", { name: "Start the interview" }));
  await waitFor(() => expect(onStarted).toHaveBeenCalled());
  expect(start).toHaveBeenCalledWith("i1", { audio: false, video: false, emotion: false, resume_id: RESUME.id });
});

test("Remove un-selects the résumé: the interview starts without it", async () => {
  stubFetch(() => json(RESUME, 201));
  renderConsent(false);
  choose(new File(["%PDF-1.7 "], "jane-doe.pdf", { type: "application/pdf" }));
  fireEvent.click(await screen.findByRole("button", { name: "Remove the résumé jane-doe.pdf" }));
  const input = screen.getByLabelText("Résumé file");
  expect(document.activeElement).toBe(input);
  fireEvent.click(screen.getByRole("button", { name: "Start the interview" }));
  await waitFor(() => expect(start).toHaveBeenCalledWith("i1", { audio: false, video: false, emotion: false }));
});

test("a file over the server's limit is refused before it is sent, next to the field", () => {
  const uploads = stubFetch(() => json(RESUME, 201));
  renderConsent(false);
  const file = new File(["%PDF-1.7 "], "long-cv.pdf", { type: "application/pdf" });
  Object.defineProperty(file, "size", { value: DEFAULT_MAX_RESUME_BYTES + 1 });
  choose(file);
  const input = screen.getByLabelText("Résumé file");
  const error = screen.getByRole("alert");
  expect(error.textContent).toBe("The file is larger than 5 MB. Upload a smaller file.");
  expect(input.getAttribute("aria-invalid")).toBe("true");
  expect(input.getAttribute("aria-describedby")?.split(" ")).toEqual(["resume-file-hint", error.id]);
  expect(uploads()).toHaveLength(0);
});

test("the limit is the one the server gave, in the hint and in the check before sending", () => {
  const uploads = stubFetch(() => json(RESUME, 201));
  // 2.5 MiB: a deployment's own setting, smaller than the default.
  renderConsent(false, "en", 2.5 * 1024 * 1024);
  expect(screen.getByText("PDF, DOCX or plain text, up to 2.5 MB. It is uploaded as soon as you choose it.")).toBeTruthy();
  const file = new File(["%PDF-1.7 "], "cv.pdf", { type: "application/pdf" });
  Object.defineProperty(file, "size", { value: 3 * 1024 * 1024 });
  choose(file);
  expect(screen.getByRole("alert").textContent).toBe("The file is larger than 2.5 MB. Upload a smaller file.");
  expect(uploads()).toHaveLength(0);
});

test("a limit is written no larger than it is", () => {
  expect(sizeText(5 * 1024 * 1024)).toBe("5 MB");
  expect(sizeText(5_000_000)).toBe("4.7 MB");
  expect(sizeText(800 * 1024)).toBe("800 KB");
});

test("a file of another type is refused before it is sent", () => {
  const uploads = stubFetch(() => json(RESUME, 201));
  renderConsent(false);
  choose(new File(["GIF89a"], "photo.gif", { type: "image/gif" }));
  expect(screen.getByRole("alert").textContent).toBe("This type of file cannot be used. Upload a PDF, DOCX or plain text file.");
  expect(uploads()).toHaveLength(0);
});

test("the server's refusal of the file type is shown by the field in the candidate's language", async () => {
  const refusal = { type: "https://interview.local/problems/unsupported-resume-type", title: "Unsupported media type", status: 415, detail: "Upload the résumé as PDF, DOCX or UTF-8 text.", code: "unsupported-resume-type" };
  const uploads = stubFetch(() => json(refusal, 415, "application/problem+json"));
  renderConsent(false, "ko");
  choose(new File(["\u0000\u0001 not a pdf"], "scan.pdf", { type: "application/pdf" }), "이력서 파일");
  const error = await screen.findByRole("alert");
  expect(error.textContent).toBe("이 형식의 파일은 사용할 수 없습니다. PDF, DOCX 또는 텍스트 파일을 올려 주세요.");
  expect(screen.getByLabelText("이력서 파일").getAttribute("aria-describedby")).toContain(error.id);
  expect(uploads()).toHaveLength(1);
  // The candidate can still start without a résumé.
  expect((screen.getByRole("button", { name: "면접 시작" }) as HTMLButtonElement).disabled).toBe(false);
});

test("a refusal the page has no words for is shown in the server's own words", async () => {
  stubFetch(() => json({ status: 422, detail: "Something new about the file.", code: "resume-something-new" }, 422, "application/problem+json"));
  renderConsent(false);
  choose(new File(["Jane Doe."], "cv.txt", { type: "text/plain" }));
  expect((await screen.findByRole("alert")).textContent).toBe("Something new about the file.");
});
