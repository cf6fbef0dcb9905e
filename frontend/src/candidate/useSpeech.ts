// Questions read aloud with the browser's speech synthesis, only when it has a voice for the
// interview language: otherwise the room says that questions are not read aloud.
import { useCallback, useEffect, useState } from "react";

export interface Speech {
  available: boolean;
  speak: (text: string) => void;
  cancel: () => void;
}

const synthesis = () => ("speechSynthesis" in window ? window.speechSynthesis : null);

export function useSpeech(language: string): Speech {
  const [voices, setVoices] = useState<SpeechSynthesisVoice[]>(() => synthesis()?.getVoices() ?? []);
  useEffect(() => {
    const synth = synthesis();
    if (!synth) return;
    // Some browsers list their voices only after a first "voiceschanged" event.
    const update = () => setVoices(synth.getVoices());
    update();
    synth.addEventListener("voiceschanged", update);
    return () => synth.removeEventListener("voiceschanged", update);
  }, []);
  const tag = language === "ko" ? "ko-KR" : "en-US";
  // Voice tags vary ("ko-KR", "ko_KR", "ko"): any voice of the language will do, its region first.
  const tagOf = (v: SpeechSynthesisVoice) => v.lang.replace("_", "-").toLowerCase();
  const matching = voices.filter((v) => tagOf(v) === language || tagOf(v).startsWith(`${language}-`));
  const voice = matching.find((v) => tagOf(v) === tag.toLowerCase()) ?? matching[0] ?? null;
  // Keyed by the voice's URI, so a repeated voice list does not read the question again.
  const voiceURI = voice?.voiceURI ?? null;
  const speak = useCallback(
    (text: string) => {
      const synth = synthesis();
      const chosen = synth?.getVoices().find((v) => v.voiceURI === voiceURI);
      if (!synth || !chosen) return;
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = tag;
      utterance.voice = chosen;
      synth.cancel();
      synth.speak(utterance);
    },
    [tag, voiceURI],
  );
  const cancel = useCallback(() => synthesis()?.cancel(), []);
  return { available: voice !== null, speak, cancel };
}
