import { createSignal } from "solid-js";

/**
 * The signed-in session: a 15-minute access token and a rotating refresh token, kept in
 * localStorage so a reload (and other tabs) stay signed in. Every tab sees the same session:
 * a refresh in one tab is picked up by the others through the storage event.
 */

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds when the access token stops working. */
  expiresAt: number;
  accountId: string;
  userId: string;
}

const KEY = "igny8.session";

function read(): Session | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return undefined;
    const value = JSON.parse(raw) as Session;
    return typeof value.accessToken === "string" && typeof value.refreshToken === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

const [session, setSessionSignal] = createSignal<Session | undefined>(read());

window.addEventListener("storage", (event) => {
  if (event.key === KEY) setSessionSignal(read());
});

export { session };

/** The stored session as it is now (another tab may have rotated it). */
export function storedSession(): Session | undefined {
  return read();
}

export function saveSession(tokens: {
  accessToken: string;
  refreshToken?: string;
  expiresIn: number;
  accountId: string;
  userId: string;
}): Session {
  const current = read();
  const next: Session = {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken ?? current?.refreshToken ?? "",
    expiresAt: Date.now() + tokens.expiresIn * 1000,
    accountId: tokens.accountId,
    userId: tokens.userId,
  };
  localStorage.setItem(KEY, JSON.stringify(next));
  setSessionSignal(next);
  return next;
}

export function clearSession() {
  localStorage.removeItem(KEY);
  setSessionSignal(undefined);
}
