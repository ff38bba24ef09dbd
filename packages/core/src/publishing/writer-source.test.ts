import { describe, expect, it } from "vitest";
import { useAccount } from "../actor";
import { Content } from "../content";
import { contentEntity } from "../content/content.entity";
import { imageEntity } from "../image/image.entity";
import { Sector } from "../sector";
import { Site } from "../site";
import { Storage } from "../storage";
import { Task } from "../task";
import { useTestTable, withTestAccount } from "../testing";
import { createId } from "../util/id";
import { contentSource, useContentSource } from "./content";
import { writerContentSource } from "./writer-source";
import "./index";

useTestTable();

/** An image as the content pipeline leaves it: a record and its file under the site's prefix. */
async function image(siteId: string, contentId: string, taskId: string, index: number, placement: "featured" | "in-article") {
  const imageId = createId("image");
  const key = Storage.siteKey(siteId, "images", contentId, `${imageId}.png`);
  await Storage.put(key, Buffer.from(`png ${index}`), { contentType: "image/png" });
  await imageEntity()
    .create({
      accountId: useAccount(),
      siteId,
      contentId,
      slot: `g0001#0${index}`,
      imageId,
      taskId,
      generation: 1,
      index,
      placement,
      section: "",
      alt: `Alt ${index}`,
      caption: index === 1 ? "A caption" : "",
      key,
      contentType: "image/png",
      bytes: 5,
      width: 32,
      height: 24,
      provenance: { aiGenerated: true, offline: true },
    })
    .go();
  return { imageId, key };
}

describe("the Writer's content as publishing reads it", () => {
  it("is the default source", () => {
    useContentSource(undefined);
    expect(contentSource()).toBe(writerContentSource);
  });

  it("maps the current version, its images, the task's sector and cluster, and the content type", async () => {
    await withTestAccount(async () => {
      const { siteId } = await Site.create({ name: "Blog", url: "https://blog.example" });
      const sector = await Sector.create({ siteId, name: "Garden Care" });
      const task = await Task.create({ siteId, title: "Pruning roses", primaryKeyword: "prune roses", sectorId: sector.sectorId, contentType: "page" });
      const written = await Content.write({
        siteId,
        taskId: task.taskId,
        title: "How to prune roses",
        metaDescription: "When and how.",
        html: "<h2>When</h2><p>Late winter.</p><h2>How</h2><p>Above a bud.</p>",
      });
      const featured = await image(siteId, written.contentId, task.taskId, 0, "featured");
      const inline = await image(siteId, written.contentId, task.taskId, 1, "in-article");
      const html = `${written.html}<figure><img src="${Content.mediaSrc(inline.imageId)}" alt="Alt 1" /></figure>`;
      await contentEntity()
        .patch({ accountId: useAccount(), siteId, contentId: written.contentId })
        .set({ featuredImageId: featured.imageId, imageIds: [inline.imageId], html })
        .go();

      const loaded = await writerContentSource.load({ siteId, contentId: written.contentId });
      expect(loaded).toMatchObject({
        contentId: written.contentId,
        siteId,
        taskId: task.taskId,
        title: "How to prune roses",
        slug: written.slug,
        metaDescription: "When and how.",
        focusKeyword: "prune roses",
        sectorId: sector.sectorId,
        postType: "page",
        offline: false,
        images: [
          { key: featured.imageId, role: "featured", s3Key: featured.key, alt: "Alt 0", contentType: "image/png" },
          { key: inline.imageId, role: "inline", s3Key: inline.key, alt: "Alt 1", caption: "A caption", src: Content.mediaSrc(inline.imageId) },
        ],
      });
      expect(loaded!.html).toContain(Content.mediaSrc(inline.imageId));
      expect(await writerContentSource.load({ siteId, contentId: createId("content") })).toBeUndefined();
      const other = await Site.create({ name: "Other", url: "https://other.example" });
      expect(await writerContentSource.load({ siteId: other.siteId, contentId: written.contentId })).toBeUndefined();
    });
  });
});
