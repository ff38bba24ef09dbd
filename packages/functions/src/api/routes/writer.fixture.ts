import { Author, Strategy } from "@igny8/core/author";
import { ContentRun } from "@igny8/core/content";
import { Image } from "@igny8/core/image";
import { Pipelines } from "@igny8/core/pipelines";
import { AiConfig } from "@igny8/core/prompt";
import { Task } from "@igny8/core/task";
import { createLocalRunner } from "../../../../local/src/runner/index";
import { type FixtureContext, registerFixture } from "../testing/fixtures";

/**
 * Fixtures for the writer's routes: an author, a strategy, a queued task, and a task written by
 * the real content pipeline (offline provider, through the local runner) for the content, image
 * and run ids.
 */

registerFixture("authorProfileId", async ({ world }) => (await Author.create({ name: `Victim author ${world.tag}`, tone: "plain" })).authorId);

registerFixture("strategyId", async ({ world }) => (await Strategy.create({ name: `Victim strategy ${world.tag}`, goals: "grow" })).strategyId);

registerFixture("taskId", async ({ resolve, world }) => {
  const task = await Task.create({ siteId: await resolve("siteId"), title: `Victim task ${world.tag}`, primaryKeyword: `victim keyword ${world.tag}` });
  return task.taskId;
});

registerFixture("promptKey", async () => "content.post", { global: true });
registerFixture("version", async () => "1", { global: true });

const generated = new Map<string, Promise<{ runId: string; contentId: string; imageId: string }>>();

/** One task through the whole pipeline (offline, small images), once per world. */
function generatedTask({ resolve, world, accountId }: FixtureContext) {
  let promise = generated.get(accountId);
  if (!promise) {
    promise = (async () => {
      const siteId = await resolve("siteId");
      await AiConfig.update({ imageSize: "256x256" });
      const task = await Task.create({
        siteId,
        title: `Victim article ${world.tag}`,
        primaryKeyword: `victim topic ${world.tag}`,
        wordCount: 150,
        inArticleImages: 1,
      });
      const runner = createLocalRunner({ retryIntervalMs: 0 });
      Pipelines.useRunner(runner);
      try {
        const run = await ContentRun.start({ siteId, taskIds: [task.taskId], partial: true });
        await runner.idle();
        const done = await Task.get({ siteId, taskId: task.taskId });
        if (done.status !== "review" || !done.contentId) throw new Error(`fixture run did not finish: ${done.status} ${done.failureReason}`);
        const images = await Image.list({ siteId, contentId: done.contentId });
        return { runId: run.runId, contentId: done.contentId, imageId: images.items[0]!.imageId };
      } finally {
        Pipelines.useRunner(undefined);
      }
    })();
    generated.set(accountId, promise);
  }
  return promise;
}

registerFixture("contentId", async (context) => (await generatedTask(context)).contentId);
registerFixture("imageId", async (context) => (await generatedTask(context)).imageId);
registerFixture("runId", async (context) => (await generatedTask(context)).runId);
