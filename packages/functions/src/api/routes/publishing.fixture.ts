import { useAccount } from "@igny8/core/actor";
import { Connection } from "@igny8/core/connection";
import { Publishing } from "@igny8/core/publishing";
import { createId } from "@igny8/core/util";
import { registerFixture } from "../testing/fixtures";

/**
 * Fixtures for the connection and publishing routes: a stored connection (with a report as
 * WordPress would give it, so no WordPress is needed; its address is a closed local port, so a
 * route that did reach out would fail without leaving the machine) and a publishing record.
 */

registerFixture("connectionId", async ({ resolve, world }) => {
  const siteId = await resolve("siteId");
  const connection = await Connection.insert({
    accountId: useAccount(),
    siteId,
    connectionId: createId("connection"),
    name: `Victim blog ${world.tag}`,
    url: "http://127.0.0.1:9",
    username: `victim-${world.tag}`,
    appPassword: "abcd efgh ijkl mnop qrst uvwx",
    report: {
      site: { name: `Victim blog ${world.tag}`, url: "http://127.0.0.1:9", home: "http://127.0.0.1:9", gmtOffset: 0, timezone: "", namespaces: ["wp/v2"], restMode: "pretty" },
      user: { id: 1, username: `victim-${world.tag}`, name: "Victim", roles: ["administrator"], role: "administrator" },
      can: { publishPosts: true, publishPages: true, createCategories: true, uploadMedia: true, unfilteredHtml: true, editOthersPosts: true },
      limitations: [],
    },
    postTypes: [{ slug: "post", name: "Posts", restBase: "posts", hierarchical: false, taxonomies: ["category", "post_tag"], supports: ["title", "editor", "excerpt", "thumbnail"] }],
    mapping: {},
  });
  return connection.connectionId;
});

registerFixture("recordId", async ({ resolve }) => {
  const siteId = await resolve("siteId");
  const connectionId = await resolve("connectionId");
  const now = new Date().toISOString();
  const record = await Publishing.createDynamoPublishingStore(siteId).put(
    {
      id: createId("publishing"),
      contentId: createId("content"),
      destinationId: connectionId,
      version: 0,
      postType: "post",
      restBase: "posts",
      status: "published",
      requestedStatus: "publish",
      remoteId: 41,
      remoteSlug: "victim-post",
      remoteLink: "http://127.0.0.1:9/victim-post/",
      remoteStatus: "publish",
      media: [],
      history: [{ at: now, event: "published", detail: { remoteId: 41 } }],
      createdAt: now,
      updatedAt: now,
      publishedAt: now,
    },
    0,
  );
  return record.id;
});
