import { createServer } from "node:net";
import { VisibleError } from "@igny8/core/util";

export interface PortClaim {
  /** The setting that chooses it (named in the message when it is busy). */
  setting: string;
  port: number;
}

function probe(port: number, host: string): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** The message for a busy port, one line naming the setting. */
export function busyPortError(claim: PortClaim, host: string) {
  return new VisibleError(
    "unavailable",
    "local.port_in_use",
    `Port ${claim.port} on ${host} (${claim.setting}) is already in use; stop what uses it or set ${claim.setting} to a free port`,
    { ...claim, host },
  );
}

/**
 * Checks every port before anything starts, so a busy port stops start-up at once with one line
 * naming its setting (instead of half a local cloud to tear down).
 */
export async function checkPorts(claims: PortClaim[], host: string): Promise<void> {
  const seen = new Map<number, string>();
  for (const claim of claims) {
    const other = seen.get(claim.port);
    if (other) {
      throw new VisibleError(
        "input",
        "config.invalid",
        `Setting ${claim.setting} is invalid: port ${claim.port} is also ${other}`,
      );
    }
    seen.set(claim.port, claim.setting);
  }
  for (const claim of claims) {
    const error = await probe(claim.port, host);
    if (error?.code === "EADDRINUSE" || error?.code === "EACCES") throw busyPortError(claim, host);
    if (error) throw error;
  }
}
