import { createQuery } from "@tanstack/solid-query";
import { api, unwrap, unwrapPage } from "./client";
import { key } from "./query";
import type { Execution, Pipeline } from "./types";

/** Pipeline executions: lists per pipeline and one execution's live progress. */

export const pipelines: { name: Pipeline; label: string }[] = [
  { name: "keyword-import", label: "Keyword imports" },
  { name: "cluster-keywords", label: "Clustering" },
  { name: "content-publish", label: "Publishing" },
  { name: "site-storage-usage", label: "Storage recount" },
];

export const useExecutions = (pipeline: () => Pipeline) =>
  createQuery(() => ({
    queryKey: key("executions", pipeline()),
    queryFn: () => unwrapPage(api.GET("/v1/executions", { params: { query: { pipeline: pipeline(), limit: 50 } } })),
    refetchInterval: (query) => (query.state.data?.items.some((e) => e.status === "running") ? 2000 : false),
  }));

/** One execution, polled every second while it runs. */
export const useExecution = (executionId: () => string | undefined | null) =>
  createQuery(() => ({
    queryKey: key("execution", executionId()),
    queryFn: () => unwrap(api.GET("/v1/executions/{executionId}", { params: { path: { executionId: executionId()! } } })),
    enabled: Boolean(executionId()),
    refetchInterval: (query) => (query.state.data?.status === "running" || !query.state.data ? 1000 : false),
    staleTime: 0,
  }));

export function failedItems(execution: Execution | undefined) {
  return execution?.progress.items.filter((item) => item.status === "failed") ?? [];
}
