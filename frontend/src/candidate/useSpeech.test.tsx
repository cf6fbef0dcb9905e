import { act, renderHook } from "@testing-library/react";
import { useSpeech } from "./useSpeech";

class FakeUtterance {
  lang = "";
  voice: SpeechSynthesisVoice | null = null;
  constructor(readonly text: string) {}
}

const voice = (lang: string) => ({ lang, name: lang, voiceURI: `voice-${lang}` }) as SpeechSynthesisVoice;

/** A speechSynthesis whose voice list can change, as browsers that load voices late do. */
function fakeSynthesis(initial: SpeechSynthesisVoice[]) {
  let voices = initial;
  const synth = Object.assign(new EventTarget(), { getVoices: () => voices, speak: vi.fn(), cancel: vi.fn() });
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  vi.stubGlobal("SpeechSynthesisUtterance", FakeUtterance);
  return Object.assign(synth, {
    load: (next: SpeechSynthesisVoice[]) => {
      voices = next;
      synth.dispatchEvent(new Event("voiceschanged"));
    },
  });
}

afterEach(() => {
  Reflect.deleteProperty(window, "speechSynthesis");
  vi.unstubAllGlobals();
});

test("without speech synthesis nothing is read aloud", () => {
  const { result } = renderHook(() => useSpeech("en"));
  expect(result.current.available).toBe(false);
  result.current.speak("Hello");
});

test("a browser without a voice for the interview language does not read aloud", () => {
  const synth = fakeSynthesis([voice("en-US")]);
  const { result } = renderHook(() => useSpeech("ko"));
  expect(result.current.available).toBe(false);
  result.current.speak("자기소개를 해 주세요.");
  expect(synth.speak).not.toHaveBeenCalled();
});

test("a voice of the interview language reads the question, also when voices load late", () => {
  const synth = fakeSynthesis([voice("en-US")]);
  const { result } = renderHook(() => useSpeech("ko"));
  act(() => synth.load([voice("en-US"), voice("ko_KR")]));
  expect(result.current.available).toBe(true);
  result.current.speak("자기소개를 해 주세요.");
  const spoken = synth.speak.mock.calls[0][0] as FakeUtterance;
  expect(spoken.text).toBe("자기소개를 해 주세요.");
  expect(spoken.lang).toBe("ko-KR");
  expect(spoken.voice?.voiceURI).toBe("voice-ko_KR");
});
