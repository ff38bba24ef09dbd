import { describe, expect, it } from "vitest";
import { Site } from "../site";
import { Testing } from "../testing";
import { createId } from "../util/id";
import { Task } from "./index";

Testing.useTestTable();

const site = () => Site.create({ name: "Blog", url: "https://blog.example" });

describe("Task", () => {
  it("creates a task by hand with defaults per content type and checks the structure", async () => {
    await Testing.withTestAccount(async () => {
      const { siteId } = await site();
      const task = await Task.create({
        siteId,
        title: "Trail shoes for beginners",
        primaryKeyword: "trail running shoes",
        keywords: ["Trail Running Shoes", "heel drop", "rock plate", "heel drop"],
        outline: ["Why trail shoes", { heading: "Fit", subheadings: ["Toe box"] }],
      });
      expect(task).toMatchObject({
        status: "queued",
        contentType: "post",
        structure: "article",
        wordCount: 1200,
        keywords: ["heel drop", "rock plate"],
        outline: [
          { heading: "Why trail shoes", subheadings: [] },
          { heading: "Fit", subheadings: ["Toe box"] },
        ],
        generation: 0,
      });
      const product = await Task.create({ siteId, title: "Shoe X", primaryKeyword: "shoe x", contentType: "product" });
      expect(product).toMatchObject({ structure: "product_page", wordCount: 600 });
      await expect(
        Task.create({ siteId, title: "x", primaryKeyword: "x", contentType: "product", structure: "listicle" }),
      ).rejects.toMatchObject({ code: "task.structure_invalid" });
      await expect((async () => Task.create({ siteId, title: "", primaryKeyword: "x" }))()).rejects.toMatchObject({ code: "input.invalid" });
    });
  });

  it("turns ideas into tasks once per idea, also when called twice at the same time", async () => {
    await Testing.withTestAccount(async () => {
      const { siteId } = await site();
      const ideaId = createId("idea");
      const idea = {
        ideaId,
        title: "Trail Running Shoes: A Practical Guide",
        keywords: ["trail running shoes", "heel drop"],
        outline: ["What they are", "How to choose"],
        description: "For new trail runners",
        clusterName: "Trail shoes",
      };
      const [first, second] = await Promise.all([
        Task.createFromIdeas({ siteId, ideas: [idea] }),
        Task.createFromIdeas({ siteId, ideas: [idea] }),
      ]);
      const all = [...first.created, ...second.created, ...first.existing, ...second.existing];
      expect(first.created.length + second.created.length).toBe(1);
      expect(new Set(all.map((task) => task.taskId)).size).toBe(1);
      expect(all[0]).toMatchObject({
        source: "idea",
        ideaId,
        primaryKeyword: "trail running shoes",
        keywords: ["heel drop"],
        brief: "For new trail runners",
        clusterName: "Trail shoes",
      });
      expect(await Task.taskForIdea(siteId, ideaId)).toMatchObject({ taskId: all[0]!.taskId });
    });
  });

  it("lists by status, edits, moves status by the rules and deletes", async () => {
    await Testing.withTestAccount(async () => {
      const { siteId } = await site();
      const a = await Task.create({ siteId, title: "Alpha guide", primaryKeyword: "alpha" });
      await Task.create({ siteId, title: "Beta guide", primaryKeyword: "beta" });
      const queued = await Task.list({ siteId, status: "queued" });
      expect(queued.items).toHaveLength(2);
      expect((await Task.list({ siteId, q: "ALPHA" })).items.map((t) => t.taskId)).toEqual([a.taskId]);
      const edited = await Task.update({ siteId, taskId: a.taskId, wordCount: 2000, contentType: "page" });
      expect(edited).toMatchObject({ wordCount: 2000, contentType: "page", structure: "landing" });
      await expect(Task.setStatus({ siteId, taskId: a.taskId, status: "approved" })).rejects.toMatchObject({
        code: "task.status_invalid",
      });
      await Task.remove({ siteId, taskId: a.taskId });
      await expect(Task.get({ siteId, taskId: a.taskId })).rejects.toMatchObject({ code: "task.not_found" });
    });
  });

  it("keeps tasks of one account away from another", async () => {
    const { siteId, taskId } = await Testing.withTestAccount(async () => {
      const { siteId } = await site();
      const task = await Task.create({ siteId, title: "Private", primaryKeyword: "secret" });
      return { siteId, taskId: task.taskId };
    });
    await Testing.withTestAccount(async () => {
      await expect(Task.get({ siteId, taskId })).rejects.toMatchObject({ code: "site.not_found" });
      await expect(Task.list({ siteId })).rejects.toMatchObject({ code: "site.not_found" });
    });
  });
});
