// `stratus status`: ask a running server's health endpoint and print each service's state.

export interface Health {
  status: string;
  services: Record<string, string>;
}

export async function fetchHealth(baseUrl: string): Promise<Health> {
  const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`${baseUrl}/healthz answered ${res.status}`);
  return (await res.json()) as Health;
}

export function formatHealth(baseUrl: string, health: Health): string {
  const width = Math.max(...Object.keys(health.services).map((s) => s.length));
  const rows = Object.entries(health.services).map(([name, state]) => `  ${name.padEnd(width)}  ${state}`);
  return [`Stratus at ${baseUrl}: ${health.status}`, ...rows].join('\n');
}
