import { afterEach, describe, expect, it } from "vitest";
import { Cluster } from "../cluster";
import { Bus, type DomainEvent } from "../events";
import { Keyword } from "../keyword";
import { Limit } from "../limit";
import { Sector } from "../sector";
import { Site } from "../site";
import { Task } from "../task";
import { useTestTable, withTestAccount } from "../testing";
import { Idea } from "./index";

useTestTable();

const created: DomainEvent[] = [];
Bus.subscribe(Idea.IdeaCreated, (event) => {
  created.push(event);
});
afterEach(() => Bus.idle());

async function clusterWithKeywords() {
  const site = await Site.create({ name: "Tea", url: "https://tea.example.com" });
  const sector = await Sector.create({ siteId: site.siteId, name: "Green tea" });
  const added = await Keyword.add({
    siteId: site.siteId,
    sectorId: sector.sectorId,
    keywords: [
      { keyword: "green tea benefits", volume: 9900 },
      { keyword: "green tea caffeine", volume: 4400 },
      { keyword: "matcha vs green tea", volume: 1900 },
      { keyword: "how to brew green tea", volume: 1300 },
    ],
  });
  const cluster = await Cluster.create({
    siteId: site.siteId,
    sectorId: sector.sectorId,
    name: "Green tea",
    keywordIds: added.results.map((r) => r.keywordId!),
  });
  return { siteId: site.siteId, cluster };
}

describe("ideas", () => {
  it("generates ideas with the offline adapter: schema-valid, labelled offline, counted and announced", async () => {
    await withTestAccount(async (accountId) => {
      const { siteId, cluster } = await clusterWithKeywords();
      const ideas = await Idea.generate({ siteId, clusterId: cluster.clusterId, count: 3 });
      expect(ideas).toHaveLength(3);
      for (const idea of ideas) {
        expect(Idea.Draft.safeParse(idea).success).toBe(true);
        expect(idea).toMatchObject({ offline: true, provider: "offline", clusterId: cluster.clusterId, clusterName: "Green tea", status: "new" });
        expect(Idea.contentTypes).toContain(idea.contentType);
        expect(idea.outline.length).toBeGreaterThanOrEqual(3);
        expect(idea.targetKeywordIds.length).toBeGreaterThan(0);
        for (const id of idea.targetKeywordIds) expect(cluster.keywords.map((k) => k.keywordId)).toContain(id);
      }
      expect(new Set(ideas.map((i) => i.title)).size).toBe(3);
      expect(await Limit.current({ limit: "max_content_ideas" })).toBe(3);
      await Bus.idle();
      const mine = created.filter((e) => e.metadata.accountId === accountId);
      expect(mine.map((e) => (e.properties as { ideaId: string }).ideaId).sort()).toEqual(ideas.map((i) => i.ideaId).sort());

      // Deterministic offline drafts: the same request gives the same ideas.
      const again = await Idea.generate({ siteId, clusterId: cluster.clusterId, count: 1 });
      expect(again[0]!.title).toBeTruthy();
      const listed = await Idea.list({ siteId, clusterId: cluster.clusterId });
      expect(listed.items).toHaveLength(4);
    });
  });

  it("regenerates and edits ideas, deletes them giving the slot back", async () => {
    await withTestAccount(async () => {
      const { siteId, cluster } = await clusterWithKeywords();
      const [idea] = await Idea.generate({ siteId, clusterId: cluster.clusterId, count: 1 });
      const regenerated = await Idea.regenerate({ siteId, ideaId: idea!.ideaId });
      expect(regenerated).toMatchObject({ ideaId: idea!.ideaId, regenerations: 1, editedByUser: false, offline: true });
      expect(regenerated.title === idea!.title && regenerated.angle === idea!.angle).toBe(false);
      expect(await Limit.current({ limit: "max_content_ideas" })).toBe(1);
      const edited = await Idea.update({
        siteId,
        ideaId: idea!.ideaId,
        title: "Green tea benefits, weighed by the evidence",
        targetKeywords: ["green tea benefits", "not in the cluster"],
        status: "approved",
      });
      expect(edited).toMatchObject({ editedByUser: true, status: "approved", primaryKeyword: "green tea benefits" });
      expect(edited.targetKeywordIds).toHaveLength(1);
      await Idea.remove({ siteId, ideaId: idea!.ideaId });
      await expect(Idea.get({ siteId, ideaId: idea!.ideaId })).rejects.toMatchObject({ code: "idea.not_found" });
      await expect(Idea.remove({ siteId, ideaId: idea!.ideaId })).rejects.toMatchObject({ code: "idea.not_found" });
      expect(await Limit.current({ limit: "max_content_ideas" })).toBe(0);
    });
  });

  it("turns ideas into writing tasks once, in bulk", async () => {
    await withTestAccount(async () => {
      const { siteId, cluster } = await clusterWithKeywords();
      const ideas = await Idea.generate({ siteId, clusterId: cluster.clusterId, count: 2 });
      const first = await Idea.toTasks({ siteId, ideaIds: ideas.map((i) => i.ideaId) });
      expect(first.tasks).toHaveLength(2);
      expect(first.tasks.every((t) => t.created)).toBe(true);
      const task = await Task.get({ siteId, taskId: first.tasks[0]!.taskId });
      const idea = ideas.find((i) => i.ideaId === first.tasks[0]!.ideaId)!;
      expect(task).toMatchObject({ title: idea.title, primaryKeyword: idea.primaryKeyword, ...Idea.taskShape[idea.contentType] });
      expect(await Idea.get({ siteId, ideaId: idea.ideaId })).toMatchObject({ status: "tasked", taskId: task.taskId });
      const again = await Idea.toTasks({ siteId, ideaIds: [idea.ideaId] });
      expect(again.tasks).toEqual([{ ideaId: idea.ideaId, taskId: task.taskId, created: false }]);
      await expect(Idea.regenerate({ siteId, ideaId: idea.ideaId })).rejects.toMatchObject({ code: "idea.tasked" });
    });
  });

  it("enforces max_content_ideas: a generation that does not fit writes nothing", async () => {
    await withTestAccount(
      async () => {
        const { siteId, cluster } = await clusterWithKeywords();
        await Limit.recount({ limit: "max_content_ideas" }, 99);
        await expect(Idea.generate({ siteId, clusterId: cluster.clusterId, count: 3 })).rejects.toMatchObject({ code: "plan.limit_reached" });
        expect((await Idea.list({ siteId })).items).toHaveLength(0);
        expect(await Limit.current({ limit: "max_content_ideas" })).toBe(99);
        expect(await Idea.generate({ siteId, clusterId: cluster.clusterId, count: 1 })).toHaveLength(1);
      },
      { planId: "free" },
    );
  });
});
