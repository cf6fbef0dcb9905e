export interface QueueWorkers {
  queue: string;
  workers: string[];
}

export interface Readiness {
  ready: boolean;
  queues: QueueWorkers[];
}

export async function fetchReadiness(): Promise<Readiness> {
  const response = await fetch("/readyz");
  return (await response.json()) as Readiness;
}
