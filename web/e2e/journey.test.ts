import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it as vitestIt } from "vitest";
import { startWordPress, type WordPressInstance } from "../../packages/local/src/wordpress/index";
import { measure } from "../scripts/size";
import { type Browser, buildDashboard, openBrowser, type Product, screenshot, screenshotDir, startProduct, storySteps, webDir } from "./harness";

/**
 * The whole journey in Debian's Chromium against the product started as `pnpm dev` starts it:
 * sign up, create a site, import a Semrush export, cluster, ideas, tasks, generate (offline AI),
 * publish to a real WordPress; then a second account that must never see the first one's data.
 */

const fixture = join(webDir, "e2e", "fixtures", "semrush-running-shoes.csv");
const password = "correct horse battery staple";

let product: Product;
let wordpress: WordPressInstance;
let alice: Browser;
const state: { siteId?: string; siteUrl?: string; clusterUrl?: string; taskTitle?: string; taskUrl?: string } = {};

beforeAll(async () => {
  await rm(join(screenshotDir, "failed-step.png"), { force: true });
  await buildDashboard();
  [product, wordpress] = await Promise.all([startProduct(), startWordPress()]);
  alice = await openBrowser();
});

// The journey is one story: after a failed step the rest is skipped, and the screen is kept.
const it = storySteps("failed-step", () => alice);

afterAll(async () => {
  await alice?.close();
  await Promise.allSettled([product?.stop(), wordpress?.stop()]);
});

describe("the dashboard journey", () => {
  vitestIt("keeps the initial JavaScript lean (route chunks load on navigation)", async () => {
    const size = await measure(join(webDir, "dist"));
    console.log(`Initial JavaScript: ${(size.initial.gzipBytes / 1024).toFixed(1)} KB gzipped in ${size.initial.files.length} files; ${size.lazy.files} route chunks`);
    expect(size.initial.gzipBytes).toBeLessThan(60 * 1024);
    expect(size.lazy.files).toBeGreaterThanOrEqual(20);
  });

  it("signs up and lands on the sites page", async () => {
    const { page } = alice;
    await page.goto(`${product.webUrl}/`);
    await page.waitForURL(/\/log-in/);
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Your name").fill("Alice Runner");
    await page.getByLabel("Account name").fill("Alice Shoes Ltd");
    await page.getByLabel("E-mail").fill(`alice-${Date.now()}@example.com`);
    await page.getByLabel("Password").fill(password);
    await screenshot(page, "01-sign-up");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/sites/);
    await expect(page.getByText("Welcome to IGNY8!")).toBeDefined();
    await page.getByRole("heading", { name: "Add a site" }).waitFor();
  });

  it("creates a site with its first sector", async () => {
    const { page } = alice;
    await page.getByLabel("Site name").fill("Run Fast Blog");
    await page.getByLabel("Address").fill("https://runfast.example");
    await page.getByLabel("First sector").fill("Running shoes");
    await page.getByRole("button", { name: "Create site" }).click();
    await page.waitForURL(/\/sites\/sit_[0-9a-z]+$/);
    state.siteUrl = page.url();
    state.siteId = state.siteUrl.split("/").pop();
    await page.getByRole("heading", { name: "Run Fast Blog" }).waitFor();
    await page.getByRole("main").getByText("Running shoes").waitFor();
    await screenshot(page, "02-site");
  });

  it("imports a Semrush export through the wizard: upload, detection preview, progress", async () => {
    const { page } = alice;
    await page.goto(`${state.siteUrl}/imports/new`);
    await page.getByLabel("Keyword file").setInputFiles(fixture);
    await page.getByRole("button", { name: "Upload and detect" }).click();
    await page.waitForURL(/\/imports\/imp_[0-9a-z]+$/);
    await page.getByRole("heading", { name: /Detected: Semrush/ }).waitFor();
    await page.getByText("See the keywords").waitFor({ timeout: 60_000 });
    expect(await page.getByTestId("import-created").textContent()).toBe("32");
    await screenshot(page, "03-import");
  });

  it("lists, searches, sorts and tags keywords in the windowed table", async () => {
    const { page } = alice;
    await page.getByRole("link", { name: "See the keywords" }).click();
    const table = page.getByRole("table", { name: "Keywords" });
    await table.getByRole("row").nth(1).waitFor();
    expect(await table.getAttribute("aria-rowcount")).toBe("33");
    // Sorted by volume, highest first.
    const volumes = await table.locator('[role="row"] [role="cell"]:nth-child(3)').allTextContents();
    const numbers = volumes.map((v) => Number(v.replaceAll(",", "")));
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    await page.getByLabel("Search keywords").fill("trail");
    await page.waitForFunction(`document.querySelector('[role="table"][aria-label="Keywords"]')?.getAttribute("aria-rowcount") === "9"`);
    await page.getByLabel("Select row 1").check();
    await page.getByLabel("Select row 2").check();
    await page.getByLabel("Tags for the selected keywords").fill("priority");
    await page.getByRole("button", { name: "Tag", exact: true }).click();
    await page.getByText("Tagged: 2 keywords").waitFor();
    await screenshot(page, "04-keywords");
    await page.getByLabel("Search keywords").fill("");
  });

  it("clusters the keywords with a progress bar, then shows clusters with hub, volume, intent and page groups", async () => {
    const { page } = alice;
    await page.goto(`${state.siteUrl}/clusters`);
    await page.getByRole("button", { name: "Cluster every sector" }).click();
    const run = page.getByTestId("clustering-run");
    await run.getByRole("progressbar", { name: "Clustering progress" }).waitFor();
    await run.getByText("succeeded").waitFor({ timeout: 120_000 });
    const table = page.getByRole("table", { name: "Clusters" });
    await table.getByRole("row").nth(1).waitFor();
    const count = Number(await table.getAttribute("aria-rowcount")) - 1;
    expect(count).toBeGreaterThanOrEqual(3);
    await screenshot(page, "05-clusters");
    await table.getByRole("row").nth(1).getByRole("link").click();
    await page.getByRole("heading", { name: /Page groups/ }).waitFor();
    state.clusterUrl = page.url();
    expect(await page.getByText("Hub keyword").first().isVisible()).toBe(true);
  });

  it("generates ideas for a cluster (offline AI) and turns one into a task", async () => {
    const { page } = alice;
    await page.getByLabel("How many").fill("2");
    await page.getByRole("button", { name: "Generate ideas" }).click();
    await page.getByText("Ideas generated").waitFor({ timeout: 60_000 });
    await screenshot(page, "06-cluster");
    await page.getByRole("link", { name: "All ideas" }).click();
    await page.getByRole("heading", { name: "Ideas", exact: true }).waitFor();
    const firstIdea = page.locator("article").first();
    await firstIdea.getByRole("button", { name: "Make task" }).click();
    await page.getByText("1 tasks created").waitFor();
    await firstIdea.getByRole("link", { name: "Open task" }).waitFor();
    await screenshot(page, "07-ideas");
  });

  it("connects the WordPress test instance and shows what validation found", async () => {
    const { page } = alice;
    await page.goto(`${state.siteUrl}/connections`);
    await page.getByLabel("Site address").fill(wordpress.url);
    await page.getByLabel("WordPress user name").fill(wordpress.users.admin.username);
    await page.getByLabel("Application Password").fill(wordpress.users.admin.appPassword);
    await page.getByRole("button", { name: "Connect and check" }).click();
    const card = page.getByTestId("connection");
    await card.getByText("connected").waitFor({ timeout: 60_000 });
    await card.getByText("Publish posts").waitFor();
    await card.getByRole("button", { name: "Sync categories and tags" }).click();
    await card.getByText(/Synced .*categories/).waitFor({ timeout: 60_000 });
    await screenshot(page, "08-connections");
  });

  it("shows the task on the board, the run's cost estimate, then generates it (offline AI) with live progress", async () => {
    const { page } = alice;
    await page.goto(`${state.siteUrl}/tasks`);
    const card = page.getByTestId("task-card").first();
    await card.waitFor();
    state.taskTitle = (await card.getByRole("link").textContent()) ?? "";
    await card.getByRole("checkbox").check();
    await page.getByRole("button", { name: "Generate 1 selected" }).click();
    const estimate = page.getByTestId("run-estimate");
    await estimate.waitFor();
    expect(await estimate.textContent()).toMatch(/\d+ credits for 1 tasks/);
    await screenshot(page, "08a-run-estimate");
    await page.getByRole("button", { name: "Start generating" }).click();
    const run = page.getByTestId("content-run");
    await run.getByRole("progressbar", { name: "Generating content" }).waitFor();
    await run.getByText("succeeded").waitFor({ timeout: 180_000 });
    await page.getByRole("region", { name: /In review/ }).getByTestId("task-card").first().waitFor();
    await screenshot(page, "08b-tasks-board");
  });

  it("previews the content, edits its meta title as a new version, diffs and restores versions, shows images with provenance", async () => {
    const { page } = alice;
    await page.getByRole("link", { name: state.taskTitle! }).first().click();
    const preview = page.getByTestId("content-preview");
    await preview.getByRole("heading", { level: 2 }).first().waitFor();
    state.taskUrl = page.url().split("?")[0];
    await screenshot(page, "08c-content-preview");

    await page.getByRole("tab", { name: "Edit" }).click();
    await page.getByLabel("Meta title").fill("Edited meta title for the journey");
    await page.getByLabel("What changed").fill("Sharper meta title");
    await page.getByRole("button", { name: "Save new version" }).click();
    await page.getByText("Saved as a new version").waitFor();
    await screenshot(page, "08d-content-editor");

    await page.getByRole("tab", { name: "Versions" }).click();
    await page.getByRole("cell", { name: "Sharper meta title" }).waitFor();
    await page.getByRole("button", { name: "Compare with current" }).first().click();
    const diff = page.getByTestId("content-diff");
    await diff.getByRole("heading", { name: /metaTitle/ }).waitFor();
    expect(await diff.locator("ins").allTextContents()).toContain("journey");
    await screenshot(page, "08e-versions-diff");
    await page.getByRole("button", { name: "Restore" }).first().click();
    await page.getByText(/restored as a new version/).waitFor();

    await page.getByRole("tab", { name: "Images" }).click();
    const images = page.getByTestId("gallery-image");
    await images.first().waitFor();
    await images.first().getByText(/AI-generated by/).waitFor();
    await page.waitForFunction(`[...document.querySelectorAll('[data-testid="gallery-image"] img')].some((img) => img.naturalWidth > 0)`);
    await screenshot(page, "08f-images");
  });

  it("publishes the content to the real WordPress, shows the record, and unpublishes it", async () => {
    const { page } = alice;
    await page.getByRole("tab", { name: "Publish" }).click();
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    const record = page.getByTestId("publishing-record").first();
    await record.getByText("published", { exact: true }).waitFor({ timeout: 120_000 });
    const link = await record.getByRole("link").first().getAttribute("href");
    expect(link).toContain(wordpress.url);
    // The post really is on WordPress, published, with the title we wrote.
    const posts = (await (await fetch(`${wordpress.url}/wp-json/wp/v2/posts?per_page=10`)).json()) as { title: { rendered: string }; link: string }[];
    expect(posts.some((post) => post.link === link)).toBe(true);
    await screenshot(page, "08g-published");
    await record.getByRole("button", { name: "Unpublish" }).click();
    await record.getByText("unpublished", { exact: true }).waitFor({ timeout: 60_000 });
    const after = (await (await fetch(`${wordpress.url}/wp-json/wp/v2/posts?per_page=10`)).json()) as { link: string }[];
    expect(after.some((post) => post.link === link)).toBe(false);
    await page.goto(`${state.siteUrl}/publishing`);
    await page.getByTestId("publishing-record").first().waitFor();
    await screenshot(page, "08h-publishing-history");
  });

  it("shows pipeline runs with their items", async () => {
    const { page } = alice;
    await page.goto(`${product.webUrl}/runs?pipeline=cluster-keywords`);
    await page.getByRole("tab", { name: "Clustering" }).waitFor();
    const link = page.locator("table a").first();
    await link.waitFor();
    await link.click();
    await page.getByRole("progressbar", { name: "Progress" }).waitFor();
    await page.getByText("succeeded").first().waitFor();
    await screenshot(page, "09-run");
  });

  it("shows plan limits as meters, creates an API key shown once, lists members and explains a plan limit", async () => {
    const { page } = alice;
    await page.goto(`${product.webUrl}/settings/plan`);
    const meters = page.getByTestId("usage-meters").getByRole("meter");
    await meters.first().waitFor();
    expect(await meters.count()).toBeGreaterThanOrEqual(10);
    expect(await page.getByRole("meter", { name: "Keywords" }).getAttribute("aria-valuenow")).toBe("32");
    await screenshot(page, "10-plan");

    await page.goto(`${product.webUrl}/settings/api-keys`);
    await page.getByLabel("Name").fill("CI script");
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = await page.getByTestId("api-key-secret").textContent();
    expect(secret).toMatch(/^igny8_sk_/);
    await screenshot(page, "11-api-keys");
    const me = await fetch(`${product.apiUrl}/v1/account`, { headers: { "x-api-key": secret! } });
    expect(me.status).toBe(200);
    await page.reload();
    await page.getByRole("cell", { name: "CI script" }).waitFor();
    expect(await page.getByTestId("api-key-secret").count()).toBe(0);

    await page.goto(`${product.webUrl}/settings/members`);
    await page.getByRole("cell", { name: "Alice Runner" }).waitFor();
    await page.getByLabel("E-mail").fill("bob@example.com");
    await page.getByLabel("Role").selectOption("viewer");
    await page.getByRole("button", { name: "Send invitation" }).click();
    // The free plan has one member: the API's plan.limit_reached becomes a sentence naming the limit.
    await page.getByRole("alert").getByText("Your plan's limit on members (1) is reached.", { exact: false }).waitFor();
    await screenshot(page, "12-members");
  });

  it("renders in the dark theme and on a phone", async () => {
    const { page } = alice;
    await page.goto(`${state.siteUrl}/keywords`);
    await page.getByLabel("Theme").selectOption("dark");
    expect(await page.evaluate("document.documentElement.dataset.theme")).toBe("dark");
    await page.getByRole("table", { name: "Keywords" }).getByRole("row").nth(1).waitFor();
    await screenshot(page, "13-keywords-dark");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Clusters" }).waitFor();
    await screenshot(page, "14-phone-menu");
    await page.getByLabel("Theme").selectOption("light");
    await page.setViewportSize({ width: 1360, height: 900 });
  });

  it("a second account never sees the first one's data", async () => {
    const bob = await openBrowser();
    try {
      const { page } = bob;
      await page.goto(`${product.webUrl}/sign-up`);
      await page.getByLabel("Your name").fill("Bob Other");
      await page.getByLabel("Account name").fill("Bob Co");
      await page.getByLabel("E-mail").fill(`bob-${Date.now()}@example.com`);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Create account" }).click();
      await page.waitForURL(/\/sites/);
      await page.getByText("No sites yet").waitFor();
      expect(await page.getByText("Run Fast Blog").count()).toBe(0);

      // Alice's site by its address: refused with a sentence, nothing of hers on screen.
      await page.goto(state.siteUrl!);
      await page.getByRole("alert").getByText("This site does not exist or you have no access to it.").waitFor();
      await page.goto(`${state.siteUrl}/keywords`);
      await page.getByRole("alert").waitFor();
      expect(await page.getByText("best trail running shoes").count()).toBe(0);
      await page.goto(`${state.siteUrl}/clusters`);
      await page.getByRole("alert").first().waitFor();
      await page.goto(state.taskUrl!);
      await page.getByRole("alert").first().waitFor();
      expect(await page.getByText(state.taskTitle!).count()).toBe(0);
      await page.goto(`${product.webUrl}/runs?pipeline=cluster-keywords`);
      await page.getByText("No runs of this pipeline yet").waitFor();
      await page.goto(`${product.webUrl}/settings/api-keys`);
      await page.getByText("No API keys yet").waitFor();
      await page.goto(`${product.webUrl}/settings/members`);
      await page.getByRole("cell", { name: "Bob Other" }).waitFor();
      expect(await page.getByText("Alice Runner").count()).toBe(0);
      await screenshot(page, "15-second-account");
      expect(bob.problems.filter((p) => !p.includes("status of 40"))).toEqual([]);
    } finally {
      await bob.close();
    }
  });

  it("logged no page errors in the first account's browser", () => {
    expect(alice.problems.filter((p) => !p.includes("status of 40"))).toEqual([]);
  });
});
