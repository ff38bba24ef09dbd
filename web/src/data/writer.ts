import { createQuery } from "@tanstack/solid-query";
import { createEffect, createSignal, onCleanup } from "solid-js";
import type { components } from "./api.gen";
import { all, api, done, unwrap, unwrapPage } from "./client";
import { ApiError } from "./errors";
import { key } from "./query";

/** The writer: tasks, content with versions, images, content runs, prompts, authors and credits. */

type S = components["schemas"];
export type Task = S["Task"];
export type TaskStatus = Task["status"];
export type Content = S["Content"];
export type ContentEdit = S["ContentEdit"];
export type ContentVersionSummary = S["ContentVersionSummary"];
export type ContentDiff = S["ContentDiff"];
export type Image = S["Image"];
export type ContentRunEstimate = S["ContentRunEstimate"];
export type Prompt = S["Prompt"];
export type PromptKey = Prompt["key"];
export type Author = S["Author"];
export type AuthorCreate = S["AuthorCreate"];
export type CreditLedgerEntry = S["CreditLedgerEntry"];

export const useTasks = (siteId: () => string) =>
  createQuery(() => ({
    queryKey: key("sites", siteId(), "tasks"),
    queryFn: () =>
      all((cursor) => unwrapPage(api.GET("/v1/sites/{siteId}/tasks", { params: { path: { siteId: siteId() }, query: { cursor, limit: 100 } } }))),
    refetchInterval: (query) => (query.state.data?.some((t) => t.status === "generating") ? 2000 : false),
  }));

export const useTask = (siteId: () => string, taskId: () => string) =>
  createQuery(() => ({
    queryKey: key("sites", siteId(), "tasks", taskId()),
    queryFn: () => unwrap(api.GET("/v1/sites/{siteId}/tasks/{taskId}", { params: { path: { siteId: siteId(), taskId: taskId() } } })),
    refetchInterval: (query) => (query.state.data?.status === "generating" ? 1500 : false),
  }));

export const setTaskStatus = (siteId: string, taskId: string, status: "queued" | "review" | "approved") =>
  unwrap(api.POST("/v1/sites/{siteId}/tasks/{taskId}/status", { params: { path: { siteId, taskId } }, body: { status } }));
export const deleteTask = (siteId: string, taskId: string) =>
  done(api.DELETE("/v1/sites/{siteId}/tasks/{taskId}", { params: { path: { siteId, taskId } } }));

export const useContent = (siteId: () => string, contentId: () => string | null | undefined) =>
  createQuery(() => ({
    queryKey: key("sites", siteId(), "contents", contentId()),
    queryFn: () => unwrap(api.GET("/v1/sites/{siteId}/contents/{contentId}", { params: { path: { siteId: siteId(), contentId: contentId()! } } })),
    enabled: Boolean(contentId()),
  }));

export const useContents = (siteId: () => string) =>
  createQuery(() => ({
    queryKey: key("sites", siteId(), "contents"),
    queryFn: () =>
      all((cursor) => unwrapPage(api.GET("/v1/sites/{siteId}/contents", { params: { path: { siteId: siteId() }, query: { cursor, limit: 100 } } }))),
  }));

export const editContent = (siteId: string, contentId: string, edit: ContentEdit) =>
  unwrap(api.PATCH("/v1/sites/{siteId}/contents/{contentId}", { params: { path: { siteId, contentId } }, body: edit }));

export const useVersions = (siteId: () => string, contentId: () => string) =>
  createQuery(() => ({
    queryKey: key("sites", siteId(), "contents", contentId(), "versions"),
    queryFn: () =>
      all((cursor) =>
        unwrapPage(
          api.GET("/v1/sites/{siteId}/contents/{contentId}/versions", {
            params: { path: { siteId: siteId(), contentId: contentId() }, query: { cursor, limit: 100 } },
          }),
        ),
      ),
  }));

export const contentDiff = (siteId: string, contentId: string, from: number, to: number) =>
  unwrap(api.GET("/v1/sites/{siteId}/contents/{contentId}/diff", { params: { path: { siteId, contentId }, query: { from, to } } }));
export const restoreVersion = (siteId: string, contentId: string, version: number) =>
  unwrap(api.POST("/v1/sites/{siteId}/contents/{contentId}/versions/{version}/restore", { params: { path: { siteId, contentId, version } } }));

export const useImages = (siteId: () => string, contentId: () => string | null | undefined) =>
  createQuery(() => ({
    queryKey: key("sites", siteId(), "contents", contentId(), "images"),
    queryFn: () =>
      all((cursor) =>
        unwrapPage(
          api.GET("/v1/sites/{siteId}/contents/{contentId}/images", {
            params: { path: { siteId: siteId(), contentId: contentId()! }, query: { cursor, limit: 100 } },
          }),
        ),
      ),
    enabled: Boolean(contentId()),
  }));

export const updateImage = (siteId: string, imageId: string, patch: { alt?: string; caption?: string }) =>
  unwrap(api.PATCH("/v1/sites/{siteId}/images/{imageId}", { params: { path: { siteId, imageId } }, body: patch }));

/** An image file needs the bearer token, so it is fetched and shown from an object URL. */
export function useImageUrl(siteId: () => string, imageId: () => string | null | undefined) {
  const [url, setUrl] = createSignal<string>();
  createEffect(() => {
    const id = imageId();
    if (!id) return;
    let objectUrl: string | undefined;
    let cancelled = false;
    void api
      .GET("/v1/sites/{siteId}/images/{imageId}/file", { params: { path: { siteId: siteId(), imageId: id } }, parseAs: "blob" })
      .then(({ data, response }) => {
        if (cancelled || !response.ok || !data) return;
        objectUrl = URL.createObjectURL(data as Blob);
        setUrl(objectUrl);
      })
      .catch(() => undefined);
    onCleanup(() => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    });
  });
  return url;
}

export const estimateRun = (siteId: string, taskIds: string[], mode: "full" | "images" = "full") =>
  unwrap(api.POST("/v1/sites/{siteId}/content-runs/estimate", { params: { path: { siteId } }, body: { taskIds, mode } }));
export type ContentRunPublish = S["ContentRunPublish"];
/** Starts a content run; with `publish`, each task's content is published there as the run's last step. */
export const startRun = (siteId: string, taskIds: string[], mode: "full" | "images", maxCredits: number, publish?: ContentRunPublish) =>
  unwrap(
    api.POST("/v1/sites/{siteId}/content-runs", {
      params: { path: { siteId } },
      body: { taskIds, mode, maxCredits, partial: false, ...(publish ? { publish } : {}) },
    }),
  );

export const useContentRun = (siteId: () => string, runId: () => string | undefined) =>
  createQuery(() => ({
    queryKey: key("sites", siteId(), "content-runs", runId()),
    queryFn: () => unwrap(api.GET("/v1/sites/{siteId}/content-runs/{runId}", { params: { path: { siteId: siteId(), runId: runId()! } } })),
    enabled: Boolean(runId()),
    staleTime: 0,
    refetchInterval: (query) => (query.state.data?.status === "running" || !query.state.data ? 1000 : false),
  }));

export const usePrompts = () => createQuery(() => ({ queryKey: key("prompts"), queryFn: () => unwrap(api.GET("/v1/prompts")) }));
export const savePrompt = (promptKey: PromptKey, body: { system: string; template: string; note: string }) =>
  unwrap(api.PUT("/v1/prompts/{promptKey}", { params: { path: { promptKey } }, body }));
export const resetPrompt = (promptKey: PromptKey) => unwrap(api.DELETE("/v1/prompts/{promptKey}", { params: { path: { promptKey } } }));
export const usePromptVersions = (promptKey: () => PromptKey) =>
  createQuery(() => ({
    queryKey: key("prompts", promptKey(), "versions"),
    queryFn: () => unwrapPage(api.GET("/v1/prompts/{promptKey}/versions", { params: { path: { promptKey: promptKey() }, query: { limit: 50 } } })),
  }));
export const restorePrompt = (promptKey: PromptKey, version: number) =>
  unwrap(api.POST("/v1/prompts/{promptKey}/versions/{version}/restore", { params: { path: { promptKey, version } } }));

export const useAuthors = () =>
  createQuery(() => ({
    queryKey: key("authors"),
    queryFn: () => all((cursor) => unwrapPage(api.GET("/v1/authors", { params: { query: { cursor, limit: 100 } } }))),
  }));
export const createAuthor = (body: AuthorCreate) => unwrap(api.POST("/v1/authors", { body }));
export const updateAuthor = (authorProfileId: string, body: Partial<AuthorCreate>) =>
  unwrap(api.PATCH("/v1/authors/{authorProfileId}", { params: { path: { authorProfileId } }, body }));
export const deleteAuthor = (authorProfileId: string) => done(api.DELETE("/v1/authors/{authorProfileId}", { params: { path: { authorProfileId } } }));

export const useCredits = () =>
  createQuery(() => ({
    queryKey: key("credits"),
    queryFn: () => unwrap(api.GET("/v1/credits")),
  }));
export const useLedger = () =>
  createQuery(() => ({
    queryKey: key("credits", "ledger"),
    queryFn: () => unwrapPage(api.GET("/v1/credits/ledger", { params: { query: { limit: 50 } } })),
  }));

export function isNotFound(error: unknown) {
  return error instanceof ApiError && error.status === 404;
}
