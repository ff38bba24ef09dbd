import type { Page } from "playwright-core";

/**
 * Set-up through the product's own HTTP API (what a script with a token does), for the parts of
 * a browser test that are not what the test is about. Every call goes to the running product.
 */

export interface Caller {
  token: string;
  accountId: string;
  userId: string;
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

export async function request(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  return { status: response.status, json };
}

function caller(
  base: string,
  session: { accessToken: string; accountId: string; userId: string },
): Caller {
  return {
    token: session.accessToken,
    accountId: session.accountId,
    userId: session.userId,
    async call<T>(method: string, path: string, body?: unknown) {
      const { status, json } = await request(base, method, path, body, session.accessToken);
      if (status >= 400)
        throw new Error(`${method} ${path} answered ${status}: ${JSON.stringify(json)}`);
      return json?.data as T;
    },
  };
}

export async function signUpByApi(
  base: string,
  input: { email: string; password: string; name: string; accountName: string },
): Promise<Caller> {
  const { status, json } = await request(base, "POST", "/v1/auth/sign-up", input);
  if (status !== 201 && status !== 200)
    throw new Error(`sign-up answered ${status}: ${JSON.stringify(json)}`);
  return caller(base, json.data);
}

export async function logInByApi(
  base: string,
  input: { email: string; password: string; accountId?: string },
): Promise<Caller> {
  const { status, json } = await request(base, "POST", "/v1/auth/log-in", input);
  if (status !== 200) throw new Error(`log-in answered ${status}: ${JSON.stringify(json)}`);
  return caller(base, json.data);
}

/** The newest mail to an address in the local outbox (GET /v1/dev/outbox, on under `pnpm dev`). */
export async function lastMailTo(
  base: string,
  to: string,
  timeoutMs = 15_000,
): Promise<{ subject: string; text: string; html?: string }> {
  const started = Date.now();
  for (;;) {
    const { status, json } = await request(
      base,
      "GET",
      `/v1/dev/outbox?to=${encodeURIComponent(to)}&limit=1`,
    );
    if (status !== 200) throw new Error(`outbox answered ${status}: ${JSON.stringify(json)}`);
    if (json.data.length > 0) return json.data[0];
    if (Date.now() - started > timeoutMs)
      throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Logs in through the dashboard's own log-in form. */
export async function logInInBrowser(page: Page, webUrl: string, email: string, password: string) {
  await page.goto(`${webUrl}/log-in`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/log-in"));
}
