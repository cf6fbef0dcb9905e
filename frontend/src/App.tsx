import { useEffect, useState } from "react";
import { fetchReadiness, type Readiness } from "./api";

export function App() {
  const [readiness, setReadiness] = useState<Readiness | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    fetchReadiness().then(setReadiness, (e: Error) => setError(e.message));
  }, []);

  return (
    <main>
      <h1>AI Interview</h1>
      <PlatformStatus readiness={readiness} error={error} />
    </main>
  );
}

export function PlatformStatus({ readiness, error }: { readiness: Readiness | null; error: string | null }) {
  if (error) return <p role="alert">Platform status unavailable: {error}</p>;
  if (!readiness) return <p>Checking the platform…</p>;
  return (
    <section aria-label="Platform status">
      <p>{readiness.ready ? "Ready" : "Not ready"}</p>
      <ul>
        {readiness.queues.map((q) => (
          <li key={q.queue}>
            {q.queue}: {q.workers.length > 0 ? q.workers.join(", ") : "no worker"}
          </li>
        ))}
      </ul>
    </section>
  );
}
