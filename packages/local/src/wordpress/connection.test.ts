import {
  detectSeoFields,
  listPostTypes,
  resolveTerms,
  syncAuthors,
  syncCategories,
  syncTags,
  validateConnection,
  WordPressClient,
} from "@igny8/core/publishing/wordpress";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startWordPress, type WordPressInstance } from "./index";
import { clientFor, describeWordPress, uniqueSlug } from "./testing";

describeWordPress("connecting a real WordPress", () => {
  let wp: WordPressInstance;
  beforeAll(async () => {
    const started = Date.now();
    wp = await startWordPress();
    console.log(`WordPress ${wp.wpVersion} up at ${wp.url} in ${Date.now() - started} ms`);
  });
  afterAll(() => wp?.stop());

  it("validates an administrator: role, nothing it cannot do", async () => {
    const report = await validateConnection(clientFor(wp, "admin"));
    expect(report.user).toMatchObject({ username: "admin", role: "administrator" });
    expect(report.can).toEqual({
      publishPosts: true,
      publishPages: true,
      createCategories: true,
      uploadMedia: true,
      unfilteredHtml: true,
      editOthersPosts: true,
    });
    expect(report.limitations).toEqual([]);
    expect(report.site).toMatchObject({ name: "IGNY8 Test Site", restMode: "pretty" });
    expect(report.site.namespaces).toContain("wp/v2");
  });

  it("reports what an editor and an author cannot do", async () => {
    const editor = await validateConnection(clientFor(wp, "editor"));
    expect(editor.user.role).toBe("editor");
    // Single-site editors have unfiltered_html in WordPress: nothing is filtered for them.
    expect(editor.limitations.map((l) => l.code)).toEqual([]);

    const author = await validateConnection(clientFor(wp, "author"));
    expect(author.user.role).toBe("author");
    expect(author.can).toMatchObject({
      publishPosts: true,
      publishPages: false,
      createCategories: false,
      unfilteredHtml: false,
      uploadMedia: true,
    });
    expect(author.limitations.map((l) => l.code)).toEqual([
      "cannot_create_categories",
      "content_filtered",
      "cannot_publish_pages",
      "cannot_edit_others_posts",
    ]);
    expect(author.limitations[1]?.message).toMatch(/<script>, <iframe>/);
  });

  it("refuses a wrong Application Password, a login password and an unknown user", async () => {
    const attempts = [
      { username: "admin", appPassword: "abcd efgh ijkl mnop qrst uvwx" },
      { username: "admin", appPassword: wp.adminLoginPassword },
      { username: "nobody", appPassword: wp.users.admin.appPassword },
    ];
    for (const credentials of attempts) {
      const client = new WordPressClient({ url: wp.url, ...credentials });
      await expect(validateConnection(client)).rejects.toMatchObject({
        kind: "auth",
        code: "wordpress.auth_failed",
      });
    }
  });

  it("accepts the password as WordPress shows it (with spaces) and refuses a user who cannot publish", async () => {
    const spaced = wp.users.editor.appPassword.replace(/(.{4})(?=.)/g, "$1 ");
    const client = new WordPressClient({ url: wp.url, username: "editor", appPassword: spaced });
    expect((await validateConnection(client)).user.role).toBe("editor");

    // A subscriber with an Application Password: credentials fine, role cannot publish.
    const admin = clientFor(wp, "admin");
    const { data: user } = await admin.post<{ id: number }>("/wp/v2/users", {
      username: uniqueSlug("subscriber"),
      email: `${uniqueSlug("s")}@example.com`,
      password: "a-long-password-1234",
      roles: ["subscriber"],
    });
    const { data: app } = await admin.post<{ password: string }>(
      `/wp/v2/users/${user.id}/application-passwords`,
      { name: "igny8" },
    );
    const { data: me } = await admin.get<{ username: string }>(`/wp/v2/users/${user.id}`, {
      context: "edit",
    });
    const subscriber = new WordPressClient({
      url: wp.url,
      username: me.username,
      appPassword: app.password,
    });
    await expect(validateConnection(subscriber)).rejects.toMatchObject({
      code: "wordpress.cannot_publish",
      details: { role: "subscriber" },
    });
  });

  it("detects Application Passwords switched off by a plugin and says what to do", async () => {
    await wp.setApplicationPasswords(false);
    try {
      const error = await validateConnection(clientFor(wp, "admin")).catch((e) => e);
      expect(error).toMatchObject({ code: "wordpress.application_passwords_unavailable" });
      expect(error.message).toMatch(/HTTPS/);
      expect(error.details.hints.join(" ")).toMatch(/WP_ENVIRONMENT_TYPE/);
      expect(error.details.hints.join(" ")).toMatch(/security plugin/);
      // And the password itself no longer works anywhere.
      await expect(clientFor(wp, "admin").get("/wp/v2/users/me")).rejects.toMatchObject({
        code: "wordpress.auth_failed",
      });
    } finally {
      await wp.setApplicationPasswords(true);
    }
    expect((await validateConnection(clientFor(wp, "admin"))).user.role).toBe("administrator");
  });

  it("lists post types including a plugin's custom type", async () => {
    const types = await listPostTypes(clientFor(wp, "admin"));
    const bySlug = Object.fromEntries(types.map((t) => [t.slug, t]));
    expect(Object.keys(bySlug).sort()).toEqual(["book", "page", "post"]);
    expect(bySlug.book).toMatchObject({ restBase: "books", taxonomies: ["category", "post_tag"] });
    expect(bySlug.page?.supports).not.toContain("excerpt");
    // An author cannot write pages: they are not offered.
    const authorTypes = await listPostTypes(clientFor(wp, "author"));
    expect(authorTypes.map((t) => t.slug)).not.toContain("page");
  });

  it("syncs categories, tags (across pages) and authors", async () => {
    const admin = clientFor(wp, "admin");
    const prefix = uniqueSlug("sync");
    await admin.post("/wp/v2/categories", { name: `${prefix} category` });
    for (let i = 0; i < 105; i++) await admin.post("/wp/v2/tags", { name: `${prefix} tag ${i}` });
    const tags = await syncTags(admin);
    expect(tags.filter((t) => t.name.startsWith(prefix))).toHaveLength(105);
    expect(new Set(tags.map((t) => t.id)).size).toBe(tags.length);
    const categories = await syncCategories(admin);
    expect(categories.map((c) => c.name)).toEqual(
      expect.arrayContaining(["Uncategorized", `${prefix} category`]),
    );
    const authors = await syncAuthors(clientFor(wp, "author"));
    expect(authors.map((a) => a.slug).sort()).toEqual(["admin", "author", "editor"]);
  });

  it("creating one new term from 12 publications at once leaves one term, shared by all", async () => {
    // WordPress's own duplicate check is not atomic: without settling on the oldest term,
    // concurrent creators make "Name", "Name" (name-2), ... Each round races a fresh name;
    // "Slow race" names widen the gap inside WordPress as a loaded server does (wp-up.sh).
    const admin = clientFor(wp, "admin");
    const rounds: string[] = [];
    for (const restBase of ["categories", "tags", "categories", "tags"]) {
      const name = `Slow race ${uniqueSlug(restBase)}`;
      const ids = await Promise.all(
        Array.from({ length: 12 }, () =>
          resolveTerms(clientFor(wp, "admin"), restBase, [{ name }]),
        ),
      );
      const terms = await admin.get<Array<{ id: number; name: string }>>(`/wp/v2/${restBase}`, {
        search: name,
        per_page: 100,
      });
      expect(terms.data.map((t) => t.name)).toEqual([name]);
      expect(new Set(ids.flat())).toEqual(new Set([terms.data[0]?.id]));
      rounds.push(`${restBase}: ${new Set(ids.flat()).size} id`);
    }
    console.log(`concurrent term creation: ${rounds.join(", ")}`);
  });

  it("detects Yoast, Rank Math or no SEO fields from the post type schema", async () => {
    expect(await detectSeoFields(clientFor(wp, "admin"), "posts")).toMatchObject({
      plugin: "yoast",
      titleKey: "_yoast_wpseo_title",
      descriptionKey: "_yoast_wpseo_metadesc",
    });
    await wp.setSeoPlugin("rank-math");
    expect(await detectSeoFields(clientFor(wp, "admin"), "books")).toMatchObject({
      plugin: "rank-math",
      titleKey: "rank_math_title",
      descriptionKey: "rank_math_description",
    });
    await wp.setSeoPlugin("none");
    expect(await detectSeoFields(clientFor(wp, "admin"), "pages")).toBeUndefined();
    await wp.setSeoPlugin("yoast");
  });
});

describeWordPress("a site served over plain http outside a local environment", () => {
  let wp: WordPressInstance;
  beforeAll(async () => {
    wp = await startWordPress({ environmentType: "production" });
  });
  afterAll(() => wp?.stop());

  it("offers no Application Passwords, and the error says to use HTTPS first", async () => {
    const error = await validateConnection(clientFor(wp, "admin")).catch((e) => e);
    expect(error).toMatchObject({
      kind: "input",
      code: "wordpress.application_passwords_unavailable",
    });
    expect(error.details.hints[0]).toMatch(/only over HTTPS/);
  });
});

it("says when nothing answers at the address", async () => {
  const client = new WordPressClient({
    url: "http://127.0.0.1:9",
    username: "a",
    appPassword: "b",
  });
  await expect(validateConnection(client)).rejects.toMatchObject({ code: "wordpress.unreachable" });
});
