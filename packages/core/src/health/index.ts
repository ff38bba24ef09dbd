export * as Health from "./index";

/**
 * What `/health` reports. Whoever runs a component registers a check for it (the local cloud
 * registers its emulators, runner, scheduler, bus and dashboard); the route runs them all. With
 * nothing registered (a Lambda), health is just "the code answers".
 */

export type ComponentStatus = "up" | "down" | "off";

export interface ComponentReport {
  status: ComponentStatus;
  /** Facts worth showing: URL, counts, the error when down, why it is off. */
  details?: Record<string, unknown>;
}

export type HealthCheck = () => Promise<ComponentReport> | ComponentReport;

const checks = new Map<string, HealthCheck>();

/** Registers (or replaces) the check of one component; returns a function that removes it. */
export function register(component: string, check: HealthCheck): () => void {
  checks.set(component, check);
  return () => {
    if (checks.get(component) === check) checks.delete(component);
  };
}

export function clear() {
  checks.clear();
}

const timeoutMs = 3000;

async function run(check: HealthCheck): Promise<ComponentReport> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(check),
      new Promise<ComponentReport>((resolve) => {
        timer = setTimeout(
          () => resolve({ status: "down", details: { error: `no answer within ${timeoutMs} ms` } }),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    return {
      status: "down",
      details: { error: error instanceof Error ? error.message : String(error) },
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check at once. "ok" when no component is down ("off" components are optional). */
export async function report(): Promise<{
  status: "ok" | "degraded";
  components: Record<string, ComponentReport>;
}> {
  const entries = await Promise.all(
    [...checks].map(async ([name, check]) => [name, await run(check)] as const),
  );
  const components = Object.fromEntries(entries);
  const status = entries.some(([, result]) => result.status === "down") ? "degraded" : "ok";
  return { status, components };
}
