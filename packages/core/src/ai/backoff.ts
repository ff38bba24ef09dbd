/** Header reading and waiting, shared by the adapter's retry loop and the rate limiter. */

type HeaderSource = Headers | Record<string, string | string[] | undefined> | undefined;

export function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

const unitMs: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 1e-6,
};

/**
 * OpenAI's reset durations ("6m0s", "1s", "20ms", "1h2m3.5s", "0.5s") in milliseconds; a bare
 * number is seconds. Undefined when the text is not a duration.
 */
export function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const part = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (let match = part.exec(trimmed); match; match = part.exec(trimmed)) {
    if (match.index !== consumed) return undefined;
    total += Number(match[1]) * unitMs[match[2]!]!;
    consumed = match.index + match[0].length;
  }
  return consumed === trimmed.length ? total : undefined;
}

/** How long the server asked us to wait: `retry-after-ms`, else `retry-after` (seconds or a date). */
export function retryAfterMs(headers: HeaderSource, now = Date.now()): number | undefined {
  const ms = Number(header(headers, "retry-after-ms"));
  if (header(headers, "retry-after-ms") !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const value = header(headers, "retry-after");
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface RateLimitHeaders {
  limitRequests?: number;
  limitTokens?: number;
  remainingRequests?: number;
  remainingTokens?: number;
  resetRequestsMs?: number;
  resetTokensMs?: number;
}

/** The `x-ratelimit-*` family OpenAI (and compatible servers) send with every answer. */
export function rateLimitHeaders(headers: HeaderSource): RateLimitHeaders {
  const number = (name: string) => {
    const value = header(headers, name);
    if (value === undefined || value.trim() === "") return undefined;
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  };
  return {
    limitRequests: number("x-ratelimit-limit-requests"),
    limitTokens: number("x-ratelimit-limit-tokens"),
    remainingRequests: number("x-ratelimit-remaining-requests"),
    remainingTokens: number("x-ratelimit-remaining-tokens"),
    resetRequestsMs: parseDuration(header(headers, "x-ratelimit-reset-requests")),
    resetTokensMs: parseDuration(header(headers, "x-ratelimit-reset-tokens")),
  };
}

/** Exponential backoff with full jitter: uniform in [0, min(max, base * 2^retry)]. */
export function backoffDelay(
  retry: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Formats milliseconds the way OpenAI's reset headers do ("6m0s", "1s", "20ms"). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const totalSeconds = ms / 1000;
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds - minutes * 60;
  const secondsText = `${Number(seconds.toFixed(3))}s`;
  return minutes > 0 ? `${minutes}m${secondsText}` : secondsText;
}
