import { afterEach, describe, expect, it } from "vitest";
import { withActor } from "../actor";
import * as Config from "../config";
import { Crypto } from "../crypto";
import { Site } from "../site";
import { useTestTable, withTestAccount } from "../testing";
import { createId } from "../util/id";
import { connectionEntity } from "./connection.entity";
import { Connection } from "./index";

useTestTable();

afterEach(() => {
  delete process.env.IGNY8_STAGE;
  Config.reset();
});

const report = {
  site: { name: "Shop blog", url: "https://shop.example", home: "https://shop.example", gmtOffset: 0, timezone: "UTC", namespaces: ["wp/v2"], restMode: "pretty" as const },
  user: { id: 3, username: "editor", name: "Ed", roles: ["editor"], role: "editor" },
  can: { publishPosts: true, publishPages: true, createCategories: true, uploadMedia: true, unfilteredHtml: true, editOthersPosts: true },
  limitations: [],
};
const postTypes = [{ slug: "post", name: "Posts", restBase: "posts", hierarchical: false, taxonomies: ["category", "post_tag"], supports: ["title"] }];

async function connectionIn(accountId: string, siteId: string, appPassword = "abcd efgh ijkl mnop qrst uvwx") {
  return Connection.insert({
    accountId,
    siteId,
    connectionId: createId("connection"),
    name: "Shop blog",
    url: "https://shop.example",
    username: "editor",
    appPassword,
    report,
    postTypes,
    mapping: { clusters: "category" },
  });
}

describe("connections", () => {
  it("stores the password sealed and never answers it", async () => {
    await withTestAccount(async (accountId) => {
      const { siteId } = await Site.create({ name: "Shop", url: "https://shop.example" });
      const connection = await connectionIn(accountId, siteId, "plain secret 1234");
      expect(JSON.stringify(connection)).not.toContain("plain secret");
      expect(JSON.stringify(connection)).not.toContain("v1.local");
      const stored = await connectionEntity().get({ accountId, connectionId: connection.connectionId }).go();
      expect(stored.data?.secret).toMatch(/^v1\.local\./);
      expect(stored.data?.secret).not.toContain("plain secret");
      const { client, connection: info } = await Connection.open(siteId, connection.connectionId);
      expect(info.mapping).toMatchObject({ sectors: "category", clusters: "category", authorId: null });
      // The client carries the opened password as Basic credentials.
      expect(Buffer.from((client as unknown as { authorization: string }).authorization.slice(6), "base64").toString()).toBe(
        "editor:plain secret 1234",
      );
      const listed = await Connection.list({ siteId });
      expect(listed.items.map((c) => c.connectionId)).toEqual([connection.connectionId]);
      expect(JSON.stringify(listed)).not.toContain("plain secret");
    });
  });

  it("account B cannot load A's connection by id, and A's sealed password does not open in B", async () => {
    const a = await withTestAccount(async (accountId) => {
      const { siteId } = await Site.create({ name: "A", url: "https://a.example" });
      const connection = await connectionIn(accountId, siteId);
      const stored = await connectionEntity().get({ accountId, connectionId: connection.connectionId }).go();
      return { accountId, siteId, connectionId: connection.connectionId, secret: stored.data!.secret };
    });
    await withTestAccount(async (accountId) => {
      const { siteId } = await Site.create({ name: "B", url: "https://b.example" });
      // With A's site: the site is not B's.
      await expect(Connection.get({ siteId: a.siteId, connectionId: a.connectionId })).rejects.toMatchObject({ code: "site.not_found" });
      // With B's own site and A's connection id: keys lead with B's account, so nothing is found.
      await expect(Connection.get({ siteId, connectionId: a.connectionId })).rejects.toMatchObject({ code: "connection.not_found" });
      await expect(Connection.open(siteId, a.connectionId)).rejects.toMatchObject({ code: "connection.not_found" });
      await expect(Connection.open(a.siteId, a.connectionId)).rejects.toMatchObject({ code: "connection.not_found" });
      await expect(Connection.remove({ siteId, connectionId: a.connectionId })).rejects.toMatchObject({ code: "connection.not_found" });
      await expect(Connection.catalog({ siteId, connectionId: a.connectionId, kind: "tag" })).rejects.toMatchObject({ code: "connection.not_found" });
      // A's sealed password copied into a record of B's is bound to A's account, site and id.
      await expect(
        Crypto.open(a.secret, { purpose: "wordpress-application-password", accountId, siteId, connectionId: a.connectionId }),
      ).rejects.toMatchObject({ code: "crypto.open_failed" });
    });
    // A still has it.
    await withActor({ type: "system", properties: { accountId: a.accountId } }, async () => {
      expect((await Connection.open(a.siteId, a.connectionId)).connection.connectionId).toBe(a.connectionId);
    });
  });

  it("a connection of one site is not found through another site of the same account", async () => {
    await withTestAccount(async (accountId) => {
      const one = await Site.create({ name: "One", url: "https://one.example" });
      const two = await Site.create({ name: "Two", url: "https://two.example" });
      const connection = await connectionIn(accountId, one.siteId);
      await expect(Connection.get({ siteId: two.siteId, connectionId: connection.connectionId })).rejects.toMatchObject({
        code: "connection.not_found",
      });
      expect((await Connection.list({ siteId: two.siteId })).items).toEqual([]);
    });
  });

  it("changes the mapping and name without touching the credentials; deleting a site removes its connections", async () => {
    await withTestAccount(async (accountId) => {
      const { siteId } = await Site.create({ name: "Shop", url: "https://shop.example" });
      const connection = await connectionIn(accountId, siteId);
      const sectorId = createId("sector");
      const updated = await Connection.update({
        siteId,
        connectionId: connection.connectionId,
        name: "Renamed",
        mapping: { sectors: "tag", sectorTerms: { [sectorId]: { categories: [{ id: 4 }] } }, authorId: 9 },
      });
      expect(updated).toMatchObject({
        name: "Renamed",
        mapping: { sectors: "tag", clusters: "category", sectorTerms: { [sectorId]: { categories: [{ id: 4 }] } }, authorId: 9 },
      });
      const cleared = await Connection.update({ siteId, connectionId: connection.connectionId, mapping: { authorId: null } });
      expect(cleared.mapping.authorId).toBeNull();
      await expect(async () =>
        Connection.update({ siteId, connectionId: connection.connectionId, mapping: { sectorTerms: { "not-a-sector": {} } } }),
      ).rejects.toMatchObject({ code: "input.invalid" });

      await Site.remove({ siteId });
      const left = await connectionEntity().get({ accountId, connectionId: connection.connectionId }).go();
      expect(left.data).toBeNull();
    });
  });

  it("refuses to connect to an address that does not answer, storing nothing", async () => {
    await withTestAccount(async () => {
      const { siteId } = await Site.create({ name: "Shop", url: "https://shop.example" });
      const error = await Connection.create({ siteId, url: "http://127.0.0.1:9", username: "admin", appPassword: "x y z" }).catch((e) => e);
      expect(error).toMatchObject({ kind: "input", code: "wordpress.unreachable", details: { fields: [{ path: "url" }] } });
      expect((await Connection.list({ siteId })).items).toEqual([]);
      await expect(async () =>
        Connection.create({ siteId, url: "https://user:pw@shop.example", username: "admin", appPassword: "x" }),
      ).rejects.toMatchObject({ code: "connection.url_invalid" });
    });
  });

  it("outside the local stage, refuses loopback, private and link-local destinations", () => {
    process.env.IGNY8_STAGE = "prod";
    Config.reset();
    for (const url of [
      "http://127.0.0.1:8080",
      "http://localhost",
      "http://10.1.2.3",
      "http://172.20.0.1",
      "http://192.168.1.10",
      "http://169.254.169.254/latest/meta-data",
      "http://[::1]",
      "http://[::ffff:10.0.0.1]",
      "http://[fd00::1]",
      "http://metadata.internal",
    ]) {
      expect(() => Connection.checkDestinationUrl(url), url).toThrow(/reachable on the internet/);
    }
    expect(() => Connection.checkDestinationUrl("https://blog.example.com")).not.toThrow();
    expect(() => Connection.checkDestinationUrl("http://93.184.216.34")).not.toThrow();
    process.env.IGNY8_STAGE = "local";
    Config.reset();
    expect(() => Connection.checkDestinationUrl("http://127.0.0.1:8080")).not.toThrow();
  });

  it("turns WordPress's errors into ours without WordPress's HTTP status", async () => {
    const { VisibleError } = await import("../util/error");
    const wp = new VisibleError("auth", "wordpress.auth_failed", "WordPress did not accept...", { status: 401, wpCode: "rest_not_logged_in" });
    const connecting = Connection.fromWordPress(wp, { whileConnecting: true }) as InstanceType<typeof VisibleError>;
    expect(connecting).toMatchObject({ kind: "input", code: "wordpress.auth_failed", details: { wpStatus: 401, fields: [{ path: "appPassword" }] } });
    expect(connecting.details.status).toBeUndefined();
    const later = Connection.fromWordPress(wp) as InstanceType<typeof VisibleError>;
    expect(later).toMatchObject({ kind: "conflict", code: "wordpress.auth_failed" });
    const down = Connection.fromWordPress(new VisibleError("unavailable", "wordpress.unavailable", "502", { status: 502 })) as InstanceType<typeof VisibleError>;
    expect(down).toMatchObject({ kind: "unavailable", details: { wpStatus: 502 } });
    expect(down.details.status).toBeUndefined();
  });
});
