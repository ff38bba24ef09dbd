import { VisibleError } from "../../util/error";

/** What a connection stores: the site and an Application Password of one of its users. */
export interface WordPressCredentials {
  /** The site's address, e.g. https://example.com (a sub-directory install keeps its path). */
  url: string;
  username: string;
  /** An Application Password (spaces allowed, as WordPress shows it); never the login password. */
  appPassword: string;
}

export interface WordPressClientOptions extends WordPressCredentials {
  fetch?: typeof fetch;
  /** Per request. */
  timeoutMs?: number;
  /** Extra tries for reads (GET/OPTIONS) after a network error, 429 or 502-504. */
  readRetries?: number;
  /**
   * "pretty": `/wp-json/...`; "query": `/?rest_route=...` (sites without pretty permalinks).
   * `discoverRestRoot()` picks one.
   */
  restMode?: "pretty" | "query";
}

export type Query = Record<string, string | number | boolean | undefined | (string | number)[]>;

export interface RequestOptions {
  query?: Query;
  json?: unknown;
  body?: RequestInit["body"];
  headers?: Record<string, string>;
  /** Statuses answered as data instead of thrown (e.g. 404 for "is it still there?"). */
  allow?: number[];
  /** Send without credentials (to see what an anonymous visitor sees). */
  anonymous?: boolean;
}

export interface WordPressResponse<T> {
  status: number;
  headers: Headers;
  data: T;
}

/** The error body of the WordPress REST API. */
export interface WordPressErrorBody {
  code?: string;
  message?: string;
  data?: { status?: number; [key: string]: unknown } | null;
}

const readMethods = new Set(["GET", "OPTIONS", "HEAD"]);
const retryStatuses = new Set([429, 502, 503, 504]);

/**
 * A small client for the WordPress REST API with Application Password (Basic) auth. Writes are
 * never retried here: a POST that timed out may have created a post, and only the publishing
 * algorithm (which looks things up first) may decide to try again.
 */
export class WordPressClient {
  readonly siteUrl: string;
  readonly username: string;
  restMode: "pretty" | "query";
  private readonly authorization: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly readRetries: number;
  /** Per-site facts that do not change while publishing (post types, SEO fields). */
  readonly memo = new Map<string, Promise<unknown>>();

  constructor(options: WordPressClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new VisibleError("input", "wordpress.url_invalid", `"${options.url}" is not a URL`, {
        fields: [{ path: "url", message: "not a URL" }],
      });
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new VisibleError(
        "input",
        "wordpress.url_invalid",
        "The site URL must start with https://",
        {
          fields: [{ path: "url", message: "must be http(s)" }],
        },
      );
    }
    this.siteUrl = `${parsed.origin}${parsed.pathname.replace(/\/+$/, "")}`;
    this.username = options.username;
    this.authorization = `Basic ${Buffer.from(`${options.username}:${options.appPassword}`).toString("base64")}`;
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.readRetries = options.readRetries ?? 2;
    this.restMode = options.restMode ?? "pretty";
  }

  /** The URL of a REST route such as `/wp/v2/posts`. */
  url(route: string, query: Query = {}): string {
    const params = new URLSearchParams();
    if (this.restMode === "query") params.set("rest_route", route);
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) params.set(name, value.join(","));
      else params.set(name, String(value));
    }
    const search = params.toString();
    if (this.restMode === "query") return `${this.siteUrl}/?${search}`;
    return `${this.siteUrl}/wp-json${route}${search ? `?${search}` : ""}`;
  }

  async request<T>(
    method: string,
    route: string,
    options: RequestOptions = {},
  ): Promise<WordPressResponse<T>> {
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (!options.anonymous) headers.authorization = this.authorization;
    let body = options.body;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    }
    const url = this.url(route, options.query);
    const tries = readMethods.has(method) ? this.readRetries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers,
          body,
          redirect: "follow",
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        if (attempt < tries) {
          await sleep(200 * 2 ** attempt);
          continue;
        }
        throw new VisibleError(
          "unavailable",
          "wordpress.unreachable",
          `Could not reach ${this.siteUrl}: ${describeFetchError(error)}`,
          { method, route },
          { cause: error },
        );
      }
      if (retryStatuses.has(response.status) && attempt < tries) {
        await response.body?.cancel();
        await sleep(200 * 2 ** attempt);
        continue;
      }
      const text = await response.text();
      let data: unknown;
      try {
        data = text === "" ? null : JSON.parse(text);
      } catch {
        throw new VisibleError(
          "unavailable",
          "wordpress.invalid_response",
          `${method} ${route} answered ${response.status} with something that is not JSON; a security plugin, a cache or a PHP error may be in the way`,
          { method, route, status: response.status, bodyStart: text.slice(0, 200) },
        );
      }
      if (response.ok || options.allow?.includes(response.status)) {
        return { status: response.status, headers: response.headers, data: data as T };
      }
      throw wordPressError(method, route, response.status, data as WordPressErrorBody | null);
    }
  }

  get<T>(route: string, query?: Query, options: RequestOptions = {}) {
    return this.request<T>("GET", route, { ...options, query });
  }

  post<T>(route: string, json: unknown, options: RequestOptions = {}) {
    return this.request<T>("POST", route, { ...options, json });
  }

  delete<T>(route: string, query?: Query, options: RequestOptions = {}) {
    return this.request<T>("DELETE", route, { ...options, query });
  }

  /** Every page of a collection (`per_page=100`, following `X-WP-TotalPages`). */
  async getAll<T>(route: string, query: Query = {}): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; ; page++) {
      const response = await this.get<T[]>(route, { per_page: 100, ...query, page });
      items.push(...response.data);
      const totalPages = Number(response.headers.get("x-wp-totalpages") ?? "1");
      if (page >= totalPages || response.data.length === 0) return items;
    }
  }

  /** Caches `load()` per key for the life of this client. */
  remember<T>(key: string, load: () => Promise<T>): Promise<T> {
    let value = this.memo.get(key) as Promise<T> | undefined;
    if (!value) {
      value = load();
      this.memo.set(key, value);
      value.catch(() => this.memo.delete(key));
    }
    return value;
  }
}

/** Maps a WordPress error answer to the product's error, keeping WordPress's own code. */
export function wordPressError(
  method: string,
  route: string,
  status: number,
  body: WordPressErrorBody | null,
): VisibleError {
  const wpCode = body?.code ?? "unknown";
  const wpMessage = stripTags(body?.message ?? "");
  const details = { method, route, status, wpCode, wpMessage, wpData: body?.data ?? undefined };
  if (status === 401) {
    return new VisibleError(
      "auth",
      "wordpress.auth_failed",
      "WordPress did not accept the user name and Application Password. Check the user name (or e-mail) and create a new Application Password under Users → Profile; the login password does not work here.",
      details,
    );
  }
  if (status === 403) {
    return new VisibleError(
      "forbidden",
      "wordpress.forbidden",
      `WordPress refused ${method} ${route}: ${wpMessage || wpCode}`,
      details,
    );
  }
  if (status === 404 || status === 410) {
    return new VisibleError(
      "not_found",
      "wordpress.not_found",
      `WordPress has no ${route}`,
      details,
    );
  }
  if (status === 413) {
    return new VisibleError(
      "input",
      "wordpress.too_large",
      "WordPress refused a request this large",
      details,
    );
  }
  if (status >= 400 && status < 500 && status !== 429) {
    return new VisibleError(
      "input",
      "wordpress.rejected",
      `WordPress rejected ${method} ${route}: ${wpMessage || wpCode}`,
      details,
    );
  }
  return new VisibleError(
    "unavailable",
    "wordpress.unavailable",
    `WordPress answered ${status} to ${method} ${route}${wpMessage ? `: ${wpMessage}` : ""}`,
    details,
  );
}

/** The WordPress error code (`term_exists`, `rest_cannot_create`, ...) inside a VisibleError. */
export function wpCodeOf(error: unknown): string | undefined {
  if (error instanceof VisibleError && typeof error.details.wpCode === "string") {
    return error.details.wpCode;
  }
  return undefined;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof VisibleError && error.code === "wordpress.not_found";
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    if (error.name === "TimeoutError") return "no answer in time";
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}

function stripTags(text: string): string {
  return text.replace(/<[^>]*>/g, "").trim();
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
