import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { InterviewState } from "../api/client";
import { I18nProvider } from "../i18n";
import { ConsentScreen } from "./ConsentScreen";

const { start } = vi.hoisted(() => ({ start: vi.fn() }));
vi.mock("../api/client", () => ({ api: { start } }));

const started = { phase: "answering" } as InterviewState;
const cameraOnly = () => ({ getVideoTracks: () => [{}], getAudioTracks: () => [], getTracks: () => [{ stop: vi.fn() }] }) as unknown as MediaStream;

function stubDevices(getUserMedia: () => Promise<MediaStream>) {
  const mock = vi.fn(getUserMedia);
  Object.defineProperty(navigator, "mediaDevices", { value: { getUserMedia: mock }, configurable: true });
  return mock;
}

function renderConsent(emotionOffered: boolean) {
  const onStarted = vi.fn();
  render(
    <I18nProvider language="en">
      <ConsentScreen interviewId="i1" emotionOffered={emotionOffered} onStarted={onStarted} />
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
