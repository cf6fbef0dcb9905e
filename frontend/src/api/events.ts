// Server-Sent Events over fetch: EventSource cannot send the Authorization header.
import { authorisedFetch } from "./client";

export interface LiveEvent {
  type: string;
  data: Record<string, unknown>;
}

/** Parse complete SSE blocks out of `buffer`; returns the events and the unparsed rest. */
export function parseEventStream(buffer: string): { events: LiveEvent[]; rest: string } {
  const blocks = buffer.split("\n\n");
  const rest = blocks.pop() ?? "";
  const events: LiveEvent[] = [];
  for (const block of blocks) {
    let type = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) type = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).trim());
    }
    if (data.length === 0) continue;
    try {
      events.push({ type, data: JSON.parse(data.join("\n")) as Record<string, unknown> });
    } catch {
      events.push({ type, data: { text: data.join("\n") } });
    }
  }
  return { events, rest };
}

/** Follow an interview's events until `signal` aborts, reconnecting after each bounded stream. */
export async function followEvents(
  interviewId: string,
  onEvent: (event: LiveEvent) => void,
  onConnection: (connected: boolean) => void,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    try {
      const response = await authorisedFetch(`/interviews/${interviewId}/events?duration_s=300`, { signal });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      onConnection(true);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const parsed = parseEventStream(buffer + value);
        buffer = parsed.rest;
        parsed.events.forEach(onEvent);
      }
    } catch {
      if (signal.aborted) return;
      onConnection(false);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}
