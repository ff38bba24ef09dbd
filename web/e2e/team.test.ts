import { rm } from "node:fs/promises";
import { join } from "node:path";
import {
  afterAll,
  beforeAll,
  describe,
  expect,
} from "vitest";
import { type Caller, lastMailTo, logInInBrowser, signUpByApi } from "./api";
import {
  type Browser,
  buildDashboard,
  openBrowser,
  type Product,
  screenshot,
  screenshotDir,
  startProduct,
  storySteps,
} from "./harness";

/**
 * A team in Chromium against the product started as `pnpm dev` starts it (on the starter plan, so
 * an account may hold three people): an owner invites by e-mail, a new person and an existing
 * user accept through the link in the local mail outbox and land in the account with the role
 * they were given; a member of two accounts switches between them and sees only the current
 * one's sites and tasks.
 */

const password = "correct horse battery staple";
const stamp = Date.now();
const emails = {
  alice: `alice-${stamp}@example.com`,
  dave: `dave-${stamp}@example.com`,
  carol: `carol-${stamp}@example.com`,
};

let product: Product;
let aliceApi: Caller;
let carolApi: Caller;
let alice: Browser;
const browsers: Browser[] = [];
const state: { aliceSite?: string; carolSite?: string } = {};

beforeAll(async () => {
  await rm(join(screenshotDir, "team-failed-step.png"), { force: true });
  await buildDashboard();
  product = await startProduct({ env: { IGNY8_DEFAULT_PLAN: "starter" } });
  // Two accounts with a site and a task each, set up through the API.
  aliceApi = await signUpByApi(product.webUrl, {
    email: emails.alice,
    password,
    name: "Alice Owner",
    accountName: "Alice Shoes Ltd",
  });
  carolApi = await signUpByApi(product.webUrl, {
    email: emails.carol,
    password,
    name: "Carol Writer",
    accountName: "Carol Agency",
  });
  const aliceSite = await aliceApi.call<{ siteId: string }>("POST", "/v1/sites", {
    name: "Alice Trail Site",
    url: "https://alice-trail.example",
  });
  const carolSite = await carolApi.call<{ siteId: string }>("POST", "/v1/sites", {
    name: "Carol Client Blog",
    url: "https://carol-client.example",
  });
  state.aliceSite = aliceSite.siteId;
  state.carolSite = carolSite.siteId;
  await aliceApi.call("POST", `/v1/sites/${aliceSite.siteId}/tasks`, {
    title: "Alice only: trail shoe guide",
    primaryKeyword: "trail shoes",
  });
  await carolApi.call("POST", `/v1/sites/${carolSite.siteId}/tasks`, {
    title: "Carol only: client launch post",
    primaryKeyword: "launch",
  });
  alice = await openBrowser();
  browsers.push(alice);
});

let current: Browser | undefined;
const it = storySteps("team-failed-step", () => current ?? alice);

afterAll(async () => {
  for (const browser of browsers) await browser.close().catch(() => undefined);
  await product?.stop();
});

/** The invitation link from the newest mail to an address. */
async function invitationLink(to: string): Promise<string> {
  const mail = await lastMailTo(product.webUrl, to);
  expect(mail.subject).toBe("You are invited to Alice Shoes Ltd");
  const link = mail.text.match(/https?:\/\/\S+\/invitations\/accept\?token=[\w-]+/)?.[0];
  expect(link, mail.text).toBeDefined();
  return link!;
}

describe("a team: invitations and account switching", () => {
  it("the owner invites a new person as viewer and an existing user as editor", async () => {
    current = alice;
    const { page } = alice;
    await logInInBrowser(page, product.webUrl, emails.alice, password);
    await page.goto(`${product.webUrl}/settings/members`);
    await page.getByRole("cell", { name: "Alice Owner" }).waitFor();
    for (const [email, role] of [
      [emails.dave, "viewer"],
      [emails.carol, "editor"],
    ] as const) {
      await page.getByLabel("E-mail").fill(email);
      await page.getByLabel("Role", { exact: true }).selectOption(role);
      await page.getByRole("button", { name: "Send invitation" }).click();
      await page.getByRole("cell", { name: email }).waitFor();
    }
    const pending = page.getByRole("region", { name: "Invitations" }).getByRole("row");
    expect(await pending.count()).toBe(3); // header + two
    await screenshot(page, "17-invitations");
  });

  it("a new person opens the link, creates a user, and lands in the account as viewer", async () => {
    const dave = await openBrowser();
    browsers.push(dave);
    current = dave;
    const { page } = dave;
    await page.goto(await invitationLink(emails.dave));
    await page.getByRole("heading", { name: "Join an account" }).waitFor();
    await page.getByRole("button", { name: "Accept invitation" }).click();
    // The API asks for a profile: this e-mail has no user yet.
    await page.getByText("This e-mail has no IGNY8 user yet").waitFor();
    await page.getByLabel("Your name").fill("Dave Viewer");
    await page.getByLabel("Your e-mail (the invited address)").fill(emails.dave);
    await page.getByLabel("Password").fill(password);
    await screenshot(page, "18-accept-invitation");
    await page.getByRole("button", { name: "Accept invitation" }).click();
    await page.waitForURL(new RegExp(`/sites/${state.aliceSite}$`));
    expect(await page.getByTestId("account-name").textContent()).toBe("Alice Shoes Ltd");
    expect(await page.getByTestId("account-role").textContent()).toBe("viewer");
    await page.getByRole("heading", { name: "Alice Trail Site" }).waitFor();
    // A viewer sees the members but cannot invite.
    await page.goto(`${product.webUrl}/settings/members`);
    await page.getByRole("cell", { name: "Dave Viewer" }).waitFor();
    expect(await page.getByRole("button", { name: "Send invitation" }).count()).toBe(0);
    // The link is spent.
    await page.goto(await invitationLink(emails.dave));
    await page.getByRole("button", { name: "Accept invitation" }).click();
    await page
      .getByRole("alert")
      .getByText("This invitation link is not valid. Ask for a new invitation.")
      .waitFor();
    expect(dave.problems.filter((p) => !p.includes("status of 40"))).toEqual([]);
  });

  it("an existing user accepts, logs in, and lands in the inviting account as editor", async () => {
    const carol = await openBrowser();
    browsers.push(carol);
    current = carol;
    const { page } = carol;
    await page.goto(await invitationLink(emails.carol));
    await page.getByRole("button", { name: "Accept invitation" }).click();
    await page
      .getByText("You joined the account. Log in with your IGNY8 user to open it.")
      .waitFor();
    expect(await page.getByLabel("Your name").count()).toBe(0);
    await page.getByLabel("E-mail").fill(emails.carol);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(new RegExp(`/sites/${state.aliceSite}$`));
    const switcher = page.getByLabel("Account", { exact: true });
    expect(await switcher.locator("option:checked").textContent()).toBe("Alice Shoes Ltd");
    expect(await page.getByTestId("account-role").textContent()).toBe("editor");
    await screenshot(page, "19-joined-as-editor");
  });

  it("a member of two accounts switches and sees only the current account's sites and tasks", async () => {
    const carol = browsers[2]!;
    current = carol;
    const { page } = carol;
    await page.goto(`${product.webUrl}/sites`);
    await page.getByRole("link", { name: "Alice Trail Site" }).first().waitFor();
    expect(await page.getByText("Carol Client Blog").count()).toBe(0);
    await page.goto(`${product.webUrl}/sites/${state.aliceSite}/tasks`);
    await page.getByRole("link", { name: "Alice only: trail shoe guide" }).waitFor();
    expect(await page.getByText("Carol only: client launch post").count()).toBe(0);

    // Switch to her own account: only its site and its task.
    await page.getByLabel("Account", { exact: true }).selectOption({ label: "Carol Agency" });
    await page.waitForURL(new RegExp(`/sites/${state.carolSite}$`));
    expect(await page.getByTestId("account-role").textContent()).toBe("owner");
    await page.getByRole("heading", { name: "Carol Client Blog" }).waitFor();
    await page.goto(`${product.webUrl}/sites`);
    await page.getByRole("link", { name: "Carol Client Blog" }).first().waitFor();
    expect(await page.getByText("Alice Trail Site").count()).toBe(0);
    await page.goto(`${product.webUrl}/sites/${state.carolSite}/tasks`);
    await page.getByRole("link", { name: "Carol only: client launch post" }).waitFor();
    expect(await page.getByText("Alice only: trail shoe guide").count()).toBe(0);
    // Alice's site by its address, while in Carol's account: refused, nothing of it shown.
    await page.goto(`${product.webUrl}/sites/${state.aliceSite}/tasks`);
    await page
      .getByRole("alert")
      .getByText("This site does not exist or you have no access to it.")
      .first()
      .waitFor();
    expect(await page.getByText("Alice only: trail shoe guide").count()).toBe(0);
    await page.goto(`${product.webUrl}/settings/members`);
    await page.getByRole("cell", { name: "Carol Writer" }).waitFor();
    expect(await page.getByText("Alice Owner").count()).toBe(0);
    expect(await page.getByText("Dave Viewer").count()).toBe(0);
    await screenshot(page, "20-switched-account");

    // And back: the switch holds across a reload (the session carries the account).
    await page.getByLabel("Account", { exact: true }).selectOption({ label: "Alice Shoes Ltd" });
    await page.waitForURL(new RegExp(`/sites/${state.aliceSite}$`));
    await page.reload();
    await page.getByRole("heading", { name: "Alice Trail Site" }).waitFor();
    expect(await page.getByTestId("account-role").textContent()).toBe("editor");
    expect(carol.problems.filter((p) => !p.includes("status of 40"))).toEqual([]);
  });

  it("the owner sees both new members with their roles", async () => {
    current = alice;
    const { page } = alice;
    await page.goto(`${product.webUrl}/settings/members`);
    await page.getByLabel("Role of Dave Viewer").waitFor();
    expect(await page.getByLabel("Role of Dave Viewer").inputValue()).toBe("viewer");
    expect(await page.getByLabel("Role of Carol Writer").inputValue()).toBe("editor");
    await page.getByRole("region", { name: "Invitations" }).getByText("No invitations").waitFor();
    expect(alice.problems.filter((p) => !p.includes("status of 40"))).toEqual([]);
  });
});
