import { createQuery } from "@tanstack/solid-query";
import { all, api, done, unwrap, unwrapPage } from "./client";
import { key } from "./query";

/** The publisher: WordPress connections and publishing records of one site. */

export const useConnections = (siteId: () => string) =>
  createQuery(() => ({
    queryKey: key("sites", siteId(), "connections"),
    queryFn: () =>
      all((cursor) =>
        unwrapPage(api.GET("/v1/sites/{siteId}/connections", { params: { path: { siteId: siteId() }, query: { cursor, limit: 100 } } })),
      ),
  }));

export const connectWordPress = (siteId: string, input: { url: string; username: string; appPassword: string; name?: string }) =>
  unwrap(api.POST("/v1/sites/{siteId}/connections", { params: { path: { siteId } }, body: input }));
export const validateConnection = (siteId: string, connectionId: string) =>
  unwrap(api.POST("/v1/sites/{siteId}/connections/{connectionId}/validate", { params: { path: { siteId, connectionId } } }));
export const syncConnection = (siteId: string, connectionId: string) =>
  unwrap(api.POST("/v1/sites/{siteId}/connections/{connectionId}/sync", { params: { path: { siteId, connectionId } } }));
export const deleteConnection = (siteId: string, connectionId: string) =>
  done(api.DELETE("/v1/sites/{siteId}/connections/{connectionId}", { params: { path: { siteId, connectionId } } }));

export const useRecords = (siteId: () => string, filter: () => { contentId?: string; connectionId?: string } = () => ({})) =>
  createQuery(() => ({
    queryKey: key("sites", siteId(), "publishing", filter()),
    queryFn: () =>
      all((cursor) =>
        unwrapPage(
          api.GET("/v1/sites/{siteId}/publishing", { params: { path: { siteId: siteId() }, query: { ...filter(), cursor, limit: 100 } } }),
        ),
      ),
    refetchInterval: (query) => (query.state.data?.some((r) => r.status === "publishing") ? 2000 : false),
  }));

export const useRecord = (siteId: () => string, recordId: () => string) =>
  createQuery(() => ({
    queryKey: key("sites", siteId(), "publishing", "one", recordId()),
    queryFn: () => unwrap(api.GET("/v1/sites/{siteId}/publishing/{recordId}", { params: { path: { siteId: siteId(), recordId: recordId() } } })),
  }));

export interface PublishInput {
  contentId: string;
  connectionId: string;
  status: "draft" | "publish" | "future";
  scheduledAt?: string;
}

export const publish = (siteId: string, input: PublishInput) =>
  unwrap(api.POST("/v1/sites/{siteId}/publishing", { params: { path: { siteId } }, body: input }));
export const publishMany = (siteId: string, items: PublishInput[]) =>
  unwrap(api.POST("/v1/sites/{siteId}/publishing/runs", { params: { path: { siteId } }, body: { items } }));
export const unpublish = (siteId: string, recordId: string) =>
  unwrap(api.POST("/v1/sites/{siteId}/publishing/{recordId}/unpublish", { params: { path: { siteId, recordId } } }));
export const resyncRecord = (siteId: string, recordId: string) =>
  unwrap(api.POST("/v1/sites/{siteId}/publishing/{recordId}/resync", { params: { path: { siteId, recordId } } }));
export const deletePost = (siteId: string, recordId: string) =>
  unwrap(api.DELETE("/v1/sites/{siteId}/publishing/{recordId}", { params: { path: { siteId, recordId } } }));
