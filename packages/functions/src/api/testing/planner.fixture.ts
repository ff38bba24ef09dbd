import { Cluster } from "@igny8/core/cluster";
import { Idea } from "@igny8/core/idea";
import { Keyword } from "@igny8/core/keyword";
import { registerFixture } from "./fixtures";

/** Fixtures for the ids the planner routes take (keywords, imports, clusters, ideas). */

registerFixture("keywordId", async ({ resolve, world }) => {
  const added = await Keyword.add({
    siteId: await resolve("siteId"),
    sectorId: await resolve("sectorId"),
    keywords: [{ keyword: `victim keyword ${world.tag}`, volume: 1200, intent: "commercial" }],
  });
  return added.results[0]!.keywordId!;
});

registerFixture("importId", async ({ resolve, world }) => {
  const created = await Keyword.Imports.create({
    siteId: await resolve("siteId"),
    sectorId: await resolve("sectorId"),
    fileName: `victim-${world.tag}.csv`,
    size: 120,
    contentType: "text/csv",
  });
  return created.import.importId;
});

registerFixture("clusterId", async ({ resolve, world }) => {
  const siteId = await resolve("siteId");
  const sectorId = await resolve("sectorId");
  const more = await Keyword.add({ siteId, sectorId, keywords: [{ keyword: `victim keyword ${world.tag} guide`, volume: 300 }] });
  const cluster = await Cluster.create({
    siteId,
    sectorId,
    name: `Victim cluster ${world.tag}`,
    keywordIds: [await resolve("keywordId"), more.results[0]!.keywordId!],
  });
  return cluster.clusterId;
});

registerFixture("ideaId", async ({ resolve }) => {
  const [idea] = await Idea.generate({ siteId: await resolve("siteId"), clusterId: await resolve("clusterId"), count: 1 });
  return idea!.ideaId;
});
