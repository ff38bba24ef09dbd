import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { isVisibleError, type VisibleError } from "@igny8/core/util";
import { afterAll, describe, expect, it } from "vitest";
import {
  definitionPathFromEnv,
  outDirFromEnv,
  readSiteDefinition,
  sampleDefinitionPath,
} from "./definition";
import { parseSiteDefinition } from "./schema";

const sample = JSON.parse(await readFile(sampleDefinitionPath, "utf8"));
// biome-ignore lint/suspicious/noExplicitAny: tests break the definition in arbitrary places
type Json = any;
const copy = (): Json => structuredClone(sample);

/** The VisibleError a definition is rejected with. */
function rejection(definition: unknown): VisibleError {
  try {
    parseSiteDefinition(definition);
  } catch (error) {
    if (isVisibleError(error)) return error;
    throw error;
  }
  throw new Error("the definition was accepted");
}

const paths = (error: VisibleError) => error.details.fields?.map((field) => field.path) ?? [];

describe("parseSiteDefinition", () => {
  it("accepts the sample and fills defaults", () => {
    const definition = parseSiteDefinition(sample);
    expect(definition.site.name).toBe("Northside Plumbing & Heating");
    expect(definition.pages.map((page) => page.slug)).toContain("");
    expect(definition.posts).toHaveLength(3);
    expect(definition.site.indexable).toBe(true);
    expect(definition.site.labels.skipToContent).toBe("Skip to content");
    const postList = definition.pages[0]!.blocks.find((block) => block.type === "post-list");
    expect(postList).toMatchObject({ type: "post-list", limit: 3 });
  });

  it("is idempotent on its own output", () => {
    const once = parseSiteDefinition(sample);
    expect(parseSiteDefinition(once)).toEqual(once);
  });

  it("keeps only the origin of the site URL", () => {
    const definition = copy();
    definition.site.url = "https://Example.COM/";
    expect(parseSiteDefinition(definition).site.url).toBe("https://example.com");
    definition.site.url = "https://example.com/shop";
    expect(paths(rejection(definition))).toEqual(["site.url"]);
  });

  it("names the field of every problem with its dotted path", () => {
    const definition = copy();
    delete definition.pages[3].blocks[1].alt;
    definition.pages[0].blocks[0].type = "carousel";
    definition.site.navigation[0].href = "javascript:alert(1)";
    definition.posts[1].publishedAt = "last tuesday";
    const error = rejection(definition);
    expect(error.code).toBe("site_definition.invalid");
    expect(error.kind).toBe("input");
    expect(paths(error)).toEqual(
      expect.arrayContaining([
        "site.navigation.0.href",
        "pages.0.blocks.0.type",
        "pages.3.blocks.1.alt",
        "posts.1.publishedAt",
      ]),
    );
    expect(error.message).toContain("pages.3.blocks.1.alt");
  });

  it.each([
    [
      "image src with a data: URL",
      "pages.2.blocks.1.src",
      (d: Json) => {
        d.pages[2].blocks[1].src = "data:image/png;base64,AAAA";
      },
    ],
    [
      "image width that is not a whole number",
      "pages.2.blocks.1.width",
      (d: Json) => {
        d.pages[2].blocks[1].width = 12.5;
      },
    ],
    [
      "protocol-relative link",
      "pages.0.blocks.4.button.href",
      (d: Json) => {
        d.pages[0].blocks[4].button.href = "//evil.example/";
      },
    ],
    [
      "unknown block field",
      "pages.0.blocks.1",
      (d: Json) => {
        d.pages[0].blocks[1].onclick = "x";
      },
    ],
    [
      "empty title",
      "pages.1.title",
      (d: Json) => {
        d.pages[1].title = "   ";
      },
    ],
    [
      "slug with capitals",
      "pages.1.slug",
      (d: Json) => {
        d.pages[1].slug = "Services";
      },
    ],
    [
      "reserved slug",
      "pages.1.slug",
      (d: Json) => {
        d.pages[1].slug = "404";
      },
    ],
    [
      "duplicate page slug",
      "pages.3.slug",
      (d: Json) => {
        d.pages[3].slug = "services";
      },
    ],
    [
      "page under the posts path",
      "pages.3.slug",
      (d: Json) => {
        d.pages[3].slug = "blog/frozen-pipes";
      },
    ],
    [
      "duplicate post slug",
      "posts.2.slug",
      (d: Json) => {
        d.posts[2].slug = "frozen-pipes";
      },
    ],
    [
      "no home page",
      "pages",
      (d: Json) => {
        d.pages[0].slug = "home";
      },
    ],
    [
      "colour that is not hex",
      "site.theme.colors.primary",
      (d: Json) => {
        d.site.theme.colors.primary = "red; background: url(x)";
      },
    ],
    [
      "unreadable text colour",
      "site.theme.colors.text",
      (d: Json) => {
        d.site.theme.colors.background = "#ffffff";
        d.site.theme.colors.text = "#dddddd";
      },
    ],
    [
      "language that is not a tag",
      "site.language",
      (d: Json) => {
        d.site.language = "English";
      },
    ],
    [
      "JSON-LD without @type",
      "pages.4.jsonLd",
      (d: Json) => {
        delete d.pages[4].jsonLd["@type"];
      },
    ],
    [
      "FAQ without items",
      "pages.0.blocks.3.items",
      (d: Json) => {
        d.pages[0].blocks[3].items = [];
      },
    ],
    [
      "post-list limit of zero",
      "pages.0.blocks.2.limit",
      (d: Json) => {
        d.pages[0].blocks[2].limit = 0;
      },
    ],
  ])("rejects a %s at %s", (_, path, breakIt) => {
    const definition = copy();
    breakIt(definition);
    expect(paths(rejection(definition))).toContain(path);
  });

  it("rejects something that is not a definition at all", () => {
    expect(paths(rejection(null))).toEqual(["(root)"]);
    expect(paths(rejection({}))).toEqual(expect.arrayContaining(["site", "pages"]));
  });
});

describe("readSiteDefinition", () => {
  const directory = mkdtemp(join(tmpdir(), "igny8-sites-definition-"));
  afterAll(async () => rm(await directory, { recursive: true, force: true }));

  it("reads and validates a file", async () => {
    const path = join(await directory, "ok.json");
    await writeFile(path, JSON.stringify(sample));
    expect((await readSiteDefinition(path)).site.url).toBe(
      "https://www.northside-plumbing.example",
    );
  });

  it("names a file that is not JSON, or missing", async () => {
    const path = join(await directory, "broken.json");
    await writeFile(path, "{ not json");
    await expect(readSiteDefinition(path)).rejects.toMatchObject({ code: "site_definition.json" });
    await expect(readSiteDefinition(join(await directory, "missing.json"))).rejects.toMatchObject({
      code: "site_definition.not_found",
    });
  });

  it("takes the paths from IGNY8_SITE_DEFINITION and IGNY8_SITE_OUT_DIR, with defaults", () => {
    expect(definitionPathFromEnv({})).toBe(sampleDefinitionPath);
    expect(definitionPathFromEnv({ IGNY8_SITE_DEFINITION: "/srv/site.json" })).toBe(
      "/srv/site.json",
    );
    // Relative to where the command was typed, not to the package folder pnpm runs scripts in.
    expect(definitionPathFromEnv({ IGNY8_SITE_DEFINITION: "a/site.json", INIT_CWD: "/srv" })).toBe(
      "/srv/a/site.json",
    );
    expect(outDirFromEnv({})).toBe(join(dirname(sampleDefinitionPath), "..", "..", "dist"));
    expect(outDirFromEnv({ IGNY8_SITE_OUT_DIR: "out", INIT_CWD: "/srv" })).toBe("/srv/out");
  });
});
