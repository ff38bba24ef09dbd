import { describe, expect, it } from "vitest";
import { useTestTable, withTestAccount } from "../testing";
import { Storage } from "./index";

useTestTable();

describe("Storage against s3rver", () => {
  it("keeps every key under the account's prefix", async () => {
    await withTestAccount(async (accountId) => {
      expect(Storage.siteKey("sit_1", "images", "a/b.png")).toBe(
        `sites/${accountId}/sit_1/images/a/b.png`,
      );
      expect(Storage.tmpKey("my report (1).csv")).toMatch(
        new RegExp(`^tmp/${accountId}/[0-9a-f-]{36}/my_report__1_.csv$`),
      );
      expect(() => Storage.siteKey("sit_1", "images", "../x")).toThrow(
        expect.objectContaining({ code: "storage.path_invalid" }),
      );
      expect(() => Storage.siteKey("../sit", "images", "x")).toThrow(
        expect.objectContaining({ code: "storage.siteId_invalid" }),
      );
      expect(() => Storage.siteKey("sit_1", "secrets" as "images", "x")).toThrow(
        expect.objectContaining({ code: "storage.kind_invalid" }),
      );
    });
  });

  it("puts, gets, heads, lists, sizes and deletes", async () => {
    await withTestAccount(async () => {
      const big = Buffer.alloc(3 * 1024 * 1024, 7);
      const a = Storage.siteKey("sit_a", "content", "post.html");
      const b = Storage.siteKey("sit_a", "images", "big.bin");
      await Storage.put(a, "<p>hello</p>", { contentType: "text/html" });
      await Storage.put(b, big);
      expect(await Storage.getText(a)).toBe("<p>hello</p>");
      const got = await Storage.get(b);
      expect(Buffer.from(got!.body).equals(big)).toBe(true);
      expect(await Storage.head(a)).toMatchObject({ size: 12, contentType: "text/html" });
      expect(await Storage.head(Storage.siteKey("sit_a", "content", "missing"))).toBeUndefined();
      expect(await Storage.get(Storage.siteKey("sit_a", "content", "missing"))).toBeUndefined();
      expect(await Storage.listFolders(Storage.sitePrefix("sit_a"))).toEqual([
        `${Storage.sitePrefix("sit_a")}content/`,
        `${Storage.sitePrefix("sit_a")}images/`,
      ]);
      expect(await Storage.prefixSize(Storage.sitePrefix("sit_a"))).toEqual({
        bytes: big.length + 12,
        objects: 2,
      });
      await Storage.remove(a);
      await Storage.remove(a);
      expect(await Storage.head(a)).toBeUndefined();
    });
  });

  it("pages through many objects when sizing a prefix", async () => {
    await withTestAccount(async () => {
      const keys = Array.from({ length: 23 }, (_, i) =>
        Storage.siteKey("sit_p", "exports", `f${i}.txt`),
      );
      await Promise.all(keys.map((key, i) => Storage.put(key, "x".repeat(i + 1))));
      const first = await Storage.list(Storage.sitePrefix("sit_p"), { limit: 10 });
      expect(first.objects).toHaveLength(10);
      expect(first.cursor).toBeTruthy();
      expect(await Storage.prefixSize(Storage.sitePrefix("sit_p"), { pageSize: 10 })).toEqual({
        bytes: (23 * 24) / 2,
        objects: 23,
      });
    });
  });

  it("refuses keys of another account", async () => {
    const key = await withTestAccount(async () => {
      const key = Storage.siteKey("sit_x", "content", "secret.txt");
      await Storage.put(key, "mine");
      return key;
    });
    await withTestAccount(async () => {
      await expect(Storage.get(key)).rejects.toMatchObject({ code: "storage.key_forbidden" });
      await expect(Storage.presignGet(key)).rejects.toMatchObject({
        code: "storage.key_forbidden",
      });
    });
  });

  it("presigns PUT and GET URLs that work over plain HTTP", async () => {
    await withTestAccount(async () => {
      const key = Storage.tmpKey("upload.txt");
      const putUrl = await Storage.presignPut(key, { contentType: "text/plain", expiresIn: 60 });
      const put = await fetch(putUrl, {
        method: "PUT",
        body: "uploaded",
        headers: { "content-type": "text/plain" },
      });
      expect(put.status).toBe(200);
      const getUrl = await Storage.presignGet(key, { downloadName: "report.txt" });
      const got = await fetch(getUrl);
      expect(await got.text()).toBe("uploaded");
      expect(got.headers.get("content-disposition")).toBe('attachment; filename="report.txt"');
      await expect(Storage.presignGet(key, { expiresIn: 0 })).rejects.toMatchObject({
        code: "storage.expires_invalid",
      });
    });
  });

  it("answers ping for /health", async () => {
    expect(await Storage.ping()).toMatchObject({ bucket: "igny8-test" });
  });
});
