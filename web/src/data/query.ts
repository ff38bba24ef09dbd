import { QueryClient } from "@tanstack/solid-query";
import { ApiError } from "./errors";
import { session } from "./session";

/**
 * One query cache for the dashboard. Keys start with the account id, so nothing cached for
 * one account is ever shown in another; switching account or signing out clears the cache too.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // A 4xx will answer the same again; retry only what may pass next time.
      retry: (count, error) => !(error instanceof ApiError && error.status > 0 && error.status < 500) && count < 2,
    },
  },
});

export function key(...parts: unknown[]): unknown[] {
  return [session()?.accountId ?? "anonymous", ...parts];
}

/** Drops cached answers whose key (after the account) starts with these parts. */
export function invalidate(...parts: unknown[]) {
  return queryClient.invalidateQueries({ queryKey: key(...parts) });
}
