import { createInfiniteQuery, createQuery } from "@tanstack/solid-query";
import type { paths } from "./api.gen";
import { all, api, done, unwrap, unwrapPage } from "./client";
import { ApiError } from "./errors";
import { key } from "./query";
import type { ClusteringOptions, KeywordBulk, KeywordImportMapping } from "./types";

/** The planner: keywords, imports, clustering runs, clusters and ideas of one site. */

export type KeywordQuery = NonNullable<paths["/v1/sites/{siteId}/keywords"]["get"]["parameters"]["query"]>;
export type KeywordSort = NonNullable<KeywordQuery["sort"]>;

/**
 * Keywords page by page (100 a request, the API's maximum) as the table scrolls; sorting,
 * filtering and search happen on the server, so the table never holds more than it has shown.
 */
export const useKeywords = (siteId: () => string, query: () => Omit<KeywordQuery, "cursor" | "limit">) =>
  createInfiniteQuery(() => ({
    queryKey: key("sites", siteId(), "keywords", query()),
    queryFn: ({ pageParam }) =>
      unwrapPage(
        api.GET("/v1/sites/{siteId}/keywords", {
          params: { path: { siteId: siteId() }, query: { ...query(), cursor: pageParam, limit: 100 } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.cursor ?? undefined,
  }));

export const keywordBulk = (siteId: string, body: KeywordBulk) =>
  unwrap(api.POST("/v1/sites/{siteId}/keywords/bulk", { params: { path: { siteId } }, body }));

export const addKeywords = (siteId: string, sectorId: string, keywords: string[]) =>
  unwrap(
    api.POST("/v1/sites/{siteId}/keywords", {
      params: { path: { siteId } },
      body: { sectorId, keywords: keywords.map((keyword) => ({ keyword })) },
    }),
  );

export const exportKeywords = (siteId: string, query: Omit<KeywordQuery, "cursor" | "limit">) =>
  unwrap(api.POST("/v1/sites/{siteId}/keywords/export", { params: { path: { siteId } }, body: query }));

// --- imports

export const useImports = (siteId: () => string) =>
  createQuery(() => ({
    queryKey: key("sites", siteId(), "imports"),
    queryFn: () =>
      unwrapPage(api.GET("/v1/sites/{siteId}/keyword-imports", { params: { path: { siteId: siteId() }, query: { limit: 50 } } })),
  }));

const activeImport = new Set(["awaiting_upload", "queued", "validating", "importing"]);

export const useImport = (siteId: () => string, importId: () => string | undefined) =>
  createQuery(() => ({
    queryKey: key("sites", siteId(), "imports", importId()),
    queryFn: () =>
      unwrap(
        api.GET("/v1/sites/{siteId}/keyword-imports/{importId}", { params: { path: { siteId: siteId(), importId: importId()! } } }),
      ),
    enabled: Boolean(importId()),
    staleTime: 0,
    refetchInterval: (query) => (query.state.data && activeImport.has(query.state.data.status) ? 1000 : false),
  }));

/** Declares the import and PUTs the file to the presigned URL with exactly the headers asked. */
export async function uploadImport(siteId: string, sectorId: string, file: File, tags: string[] = []) {
  const created = await unwrap(
    api.POST("/v1/sites/{siteId}/keyword-imports", {
      params: { path: { siteId } },
      body: { sectorId, fileName: file.name, size: file.size, contentType: file.type || "text/csv", ...(tags.length ? { tags } : {}) },
    }),
  );
  let response: Response;
  try {
    response = await fetch(created.upload.url, { method: "PUT", headers: created.upload.headers, body: file });
  } catch {
    throw new ApiError("upload.unreachable", "The file could not be uploaded: the storage service did not answer", 0);
  }
  if (!response.ok) throw new ApiError("upload.failed", `The file could not be uploaded (storage answered ${response.status})`, response.status);
  return created.import;
}

export const startImport = (siteId: string, importId: string, mapping?: KeywordImportMapping, reimport?: boolean) =>
  unwrap(
    api.POST("/v1/sites/{siteId}/keyword-imports/{importId}/start", {
      params: { path: { siteId, importId } },
      body: { ...(mapping ? { mapping } : {}), ...(reimport ? { reimport } : {}) },
    }),
  );

export const setImportMapping = (siteId: string, importId: string, mapping: KeywordImportMapping) =>
  unwrap(api.PUT("/v1/sites/{siteId}/keyword-imports/{importId}/mapping", { params: { path: { siteId, importId } }, body: { mapping } }));

export const importReport = (siteId: string, importId: string) =>
  unwrap(api.GET("/v1/sites/{siteId}/keyword-imports/{importId}/report", { params: { path: { siteId, importId } } }));

// --- clustering and clusters

export const startClustering = (siteId: string, options: Partial<ClusteringOptions> & { sectorId?: string }) =>
  unwrap(api.POST("/v1/sites/{siteId}/clustering-runs", { params: { path: { siteId } }, body: options }));

export type ClusterQuery = NonNullable<paths["/v1/sites/{siteId}/clusters"]["get"]["parameters"]["query"]>;

export const useClusters = (siteId: () => string, query: () => Omit<ClusterQuery, "cursor" | "limit">) =>
  createInfiniteQuery(() => ({
    queryKey: key("sites", siteId(), "clusters", query()),
    queryFn: ({ pageParam }) =>
      unwrapPage(
        api.GET("/v1/sites/{siteId}/clusters", {
          params: { path: { siteId: siteId() }, query: { ...query(), cursor: pageParam, limit: 100 } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.cursor ?? undefined,
  }));

export const useCluster = (siteId: () => string, clusterId: () => string) =>
  createQuery(() => ({
    queryKey: key("sites", siteId(), "clusters", "one", clusterId()),
    queryFn: () => unwrap(api.GET("/v1/sites/{siteId}/clusters/{clusterId}", { params: { path: { siteId: siteId(), clusterId: clusterId() } } })),
  }));

export const renameCluster = (siteId: string, clusterId: string, name: string) =>
  unwrap(api.PATCH("/v1/sites/{siteId}/clusters/{clusterId}", { params: { path: { siteId, clusterId } }, body: { name } }));
export const lockCluster = (siteId: string, clusterId: string, locked: boolean) =>
  locked
    ? unwrap(api.POST("/v1/sites/{siteId}/clusters/{clusterId}/lock", { params: { path: { siteId, clusterId } } }))
    : unwrap(api.POST("/v1/sites/{siteId}/clusters/{clusterId}/unlock", { params: { path: { siteId, clusterId } } }));
export const deleteCluster = (siteId: string, clusterId: string) =>
  done(api.DELETE("/v1/sites/{siteId}/clusters/{clusterId}", { params: { path: { siteId, clusterId } } }));

// --- ideas

export const generateIdeas = (siteId: string, clusterId: string, count: number) =>
  unwrap(api.POST("/v1/sites/{siteId}/clusters/{clusterId}/ideas", { params: { path: { siteId, clusterId } }, body: { count } }));

export type IdeaQuery = NonNullable<paths["/v1/sites/{siteId}/ideas"]["get"]["parameters"]["query"]>;

export const useIdeas = (siteId: () => string, query: () => Omit<IdeaQuery, "cursor" | "limit">) =>
  createQuery(() => ({
    queryKey: key("sites", siteId(), "ideas", query()),
    queryFn: () =>
      all((cursor) =>
        unwrapPage(api.GET("/v1/sites/{siteId}/ideas", { params: { path: { siteId: siteId() }, query: { ...query(), cursor, limit: 100 } } })),
      ),
  }));

export const ideasToTasks = (siteId: string, ideaIds: string[]) =>
  unwrap(api.POST("/v1/sites/{siteId}/ideas/to-tasks", { params: { path: { siteId } }, body: { ideaIds } }));
export const deleteIdea = (siteId: string, ideaId: string) =>
  done(api.DELETE("/v1/sites/{siteId}/ideas/{ideaId}", { params: { path: { siteId, ideaId } } }));
export const regenerateIdea = (siteId: string, ideaId: string) =>
  unwrap(api.POST("/v1/sites/{siteId}/ideas/{ideaId}/regenerate", { params: { path: { siteId, ideaId } }, body: {} }));

/** Every cluster of a site (for pickers), read page by page. */
export const allClusters = (siteId: string) =>
  all((cursor) => unwrapPage(api.GET("/v1/sites/{siteId}/clusters", { params: { path: { siteId }, query: { cursor, limit: 100 } } })));
