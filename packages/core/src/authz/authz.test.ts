import { describe, expect, it } from "vitest";
import { type Actor, useActor, withActor } from "../actor";
import { Site } from "../site";
import { useTestTable, withTestAccount } from "../testing";
import { Authz } from "./index";

useTestTable();

describe("the role × action matrix", () => {
  it("gives owners everything, admins no billing or members, editors content work, viewers reads", () => {
    const allowed = (role: "owner" | "admin" | "editor" | "viewer") => Authz.actions.filter((action) => Authz.roleCan(role, action));
    expect(allowed("owner")).toEqual(Authz.actions);
    expect(allowed("admin")).not.toEqual(expect.arrayContaining(["billing.write"]));
    expect(allowed("admin")).toEqual(expect.arrayContaining(["site.write", "settings.write", "integration.write", "automation.write", "apikey.write"]));
    expect(allowed("admin").some((a) => a.startsWith("member.write") || a.startsWith("billing."))).toBe(false);
    expect(allowed("editor")).toEqual(expect.arrayContaining(["planner.write", "writer.write", "publisher.write"]));
    expect(allowed("editor").some((a) => ["site.write", "settings.write", "integration.write"].includes(a))).toBe(false);
    expect(allowed("viewer").every((a) => a.endsWith(".read"))).toBe(true);
    expect(allowed("viewer")).not.toContain("billing.read");
  });

  it("denies API keys key, member and billing management whatever their role", () => {
    const key: Actor = { type: "apikey", properties: { accountId: "acc_x", keyId: "key_x", role: "admin", siteIds: null } };
    expect(Authz.can(key, "site.write")).toBe(true);
    expect(Authz.can(key, "apikey.write")).toBe(false);
    expect(Authz.can(key, "member.write")).toBe(false);
  });
});

describe("domain functions enforce it (not only routes)", () => {
  it("refuses a viewer's write and hides other sites from restricted actors", async () => {
    await withTestAccount(async () => {
      const owner = useActor() as Extract<Actor, { type: "user" }>;
      const a = await Site.create({ name: "A", url: "https://a.example" });
      const b = await Site.create({ name: "B", url: "https://b.example" });
      const as = (role: "viewer" | "admin", siteIds: string[] | null) => (cb: () => Promise<unknown>) =>
        withActor({ type: "user", properties: { ...owner.properties, role, siteIds } }, cb);
      await expect(as("viewer", null)(() => Site.update({ siteId: a.siteId, name: "x" }))).rejects.toMatchObject({ code: "authz.forbidden" });
      await expect(as("admin", [a.siteId])(() => Site.get({ siteId: b.siteId }))).rejects.toMatchObject({ code: "site.not_found" });
      await expect(as("admin", [a.siteId])(() => Site.remove({ siteId: b.siteId }))).rejects.toMatchObject({ code: "site.not_found" });
      const visible = (await as("admin", [a.siteId])(() => Site.list({}))) as Awaited<ReturnType<typeof Site.list>>;
      expect(visible.items.map((s) => s.siteId)).toEqual([a.siteId]);
      await expect(withActor({ type: "public", properties: {} }, () => Site.list({}))).rejects.toMatchObject({ code: "auth.required" });
      // Another account never reaches this one's sites, whatever the id.
      await withTestAccount(async () => {
        await expect(Site.get({ siteId: a.siteId })).rejects.toMatchObject({ code: "site.not_found" });
        await expect(Authz.assertSiteAccess(a.siteId)).rejects.toMatchObject({ code: "site.not_found" });
      });
    });
  });
});
