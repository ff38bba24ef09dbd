import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import * as Config from "../config";
import { type AwsAnswer, awsDouble, type RecordedRequest } from "../testing/aws-double";
import { kmsSecretBox, localKeyPath, localSecretBox, open, reset, seal, useSecretBox } from "./index";

const context = { accountId: "acc_1", siteId: "sit_1", record: "con_1" };
const saved = { ...process.env };

afterEach(() => {
  for (const name of ["IGNY8_SECRETS", "IGNY8_KMS_KEY_ID", "IGNY8_KMS_ENDPOINT", "IGNY8_LOCAL_KEY", "IGNY8_DATA_DIR", "IGNY8_STAGE"]) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  Config.reset();
  reset();
});

function setEnv(values: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  Config.reset();
  reset();
}

describe("local secret box (AES-256-GCM)", () => {
  const key = randomBytes(32);

  it("opens what it sealed, with the same context only", async () => {
    const box = localSecretBox(key);
    const sealed = await box.seal("abcd EFGH ijkl MNOP qrst UVWX", context);
    expect(sealed).toMatch(/^v1\.local\.[0-9a-f]{8}\./);
    expect(sealed).not.toContain("abcd");
    expect(await box.open(sealed, { ...context })).toBe("abcd EFGH ijkl MNOP qrst UVWX");
    // The same secret seals differently each time (random IV).
    expect(await box.seal("abcd EFGH ijkl MNOP qrst UVWX", context)).not.toBe(sealed);
    await expect(box.open(sealed, { ...context, accountId: "acc_2" })).rejects.toMatchObject({
      code: "crypto.open_failed",
    });
    await expect(box.open(sealed, { accountId: "acc_1", siteId: "sit_1" })).rejects.toMatchObject({
      code: "crypto.open_failed",
    });
  });

  it("refuses an altered value and one sealed under another key, saying which", async () => {
    const box = localSecretBox(key);
    const sealed = await box.seal("secret", context);
    const parts = sealed.split(".");
    const body = Buffer.from(parts[4]!, "base64url");
    body[0] = body[0]! ^ 1;
    parts[4] = body.toString("base64url");
    await expect(box.open(parts.join("."), context)).rejects.toThrow(/altered/);
    await expect(localSecretBox(randomBytes(32)).open(sealed, context)).rejects.toThrow(/another local key/);
    await expect(box.open("v1.kms.AAAA", context)).rejects.toThrow(/not sealed by the local adapter/);
  });

  it("takes IGNY8_LOCAL_KEY as base64 or hex and refuses a short key", async () => {
    setEnv({ IGNY8_SECRETS: "local", IGNY8_LOCAL_KEY: key.toString("hex") });
    const sealed = await seal("pw", context);
    setEnv({ IGNY8_LOCAL_KEY: key.toString("base64") });
    expect(await open(sealed, context)).toBe("pw");
    setEnv({ IGNY8_LOCAL_KEY: randomBytes(16).toString("base64") });
    expect(() => useSecretBox()).toThrow(/32 bytes/);
  });

  it("generates a key once under the data dir on the local stage, and refuses to elsewhere", async () => {
    const dir = await mkdtemp(join(tmpdir(), "igny8-crypto-"));
    try {
      setEnv({ IGNY8_SECRETS: undefined, IGNY8_LOCAL_KEY: undefined, IGNY8_DATA_DIR: dir, IGNY8_STAGE: "local" });
      const sealed = await seal("kept across restarts", context);
      expect(localKeyPath()).toBe(join(dir, "local-key"));
      expect((await stat(localKeyPath())).mode & 0o777).toBe(0o600);
      const first = await readFile(localKeyPath(), "utf8");
      reset(); // a restart: the key is read back, not made again
      expect(await open(sealed, context)).toBe("kept across restarts");
      expect(await readFile(localKeyPath(), "utf8")).toBe(first);

      setEnv({ IGNY8_STAGE: "prod" });
      expect(() => useSecretBox()).toThrow(/IGNY8_LOCAL_KEY/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/**
 * A KMS stand-in at the wire level that behaves like KMS for Encrypt/Decrypt: it really
 * encrypts (its own AES key per KMS key), binds the ciphertext to the key and the encryption
 * context, and answers KMS's errors (NotFoundException, InvalidCiphertextException,
 * IncorrectKeyException) as KMS does.
 */
async function kmsDouble(keys: string[]) {
  const material = new Map(keys.map((id) => [id, randomBytes(32)]));
  const canonical = (ctx: Record<string, string> | undefined) =>
    JSON.stringify(Object.entries(ctx ?? {}).sort(([a], [b]) => a.localeCompare(b)));
  const answer = (request: RecordedRequest): AwsAnswer => {
    const body = request.body as {
      KeyId?: string;
      Plaintext?: string;
      CiphertextBlob?: string;
      EncryptionContext?: Record<string, string>;
    };
    if (request.target === "TrentService.Encrypt") {
      const key = material.get(body.KeyId ?? "");
      if (!key) return { status: 400, errorType: "NotFoundException" };
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(canonical(body.EncryptionContext)));
      const sealed = Buffer.concat([cipher.update(Buffer.from(body.Plaintext!, "base64")), cipher.final()]);
      const keyId = Buffer.from(body.KeyId!);
      const blob = Buffer.concat([Buffer.from([keyId.length]), keyId, iv, cipher.getAuthTag(), sealed]);
      return { body: { CiphertextBlob: blob.toString("base64"), KeyId: body.KeyId } };
    }
    if (request.target === "TrentService.Decrypt") {
      const blob = Buffer.from(body.CiphertextBlob ?? "", "base64");
      const keyId = blob.subarray(1, 1 + blob[0]!).toString();
      const key = material.get(keyId);
      if (!key) return { status: 400, errorType: "InvalidCiphertextException" };
      if (body.KeyId && body.KeyId !== keyId) return { status: 400, errorType: "IncorrectKeyException" };
      const rest = blob.subarray(1 + blob[0]!);
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, rest.subarray(0, 12));
        decipher.setAAD(Buffer.from(canonical(body.EncryptionContext)));
        decipher.setAuthTag(rest.subarray(12, 28));
        const plaintext = Buffer.concat([decipher.update(rest.subarray(28)), decipher.final()]);
        return { body: { Plaintext: plaintext.toString("base64"), KeyId: keyId } };
      } catch {
        return { status: 400, errorType: "InvalidCiphertextException" };
      }
    }
    return { status: 400, errorType: "UnsupportedOperationException" };
  };
  return awsDouble(answer);
}

describe("KMS secret box", () => {
  it("seals with KMS Encrypt under the key and context, and opens with Decrypt", async () => {
    const kms = await kmsDouble(["alias/igny8-secrets", "alias/other"]);
    try {
      setEnv({ IGNY8_SECRETS: "kms", IGNY8_KMS_KEY_ID: "alias/igny8-secrets", IGNY8_KMS_ENDPOINT: kms.endpoint });
      expect(useSecretBox().name).toBe("kms");
      const sealed = await seal("wp app password", context);
      expect(sealed).toMatch(/^v1\.kms\./);
      expect(await open(sealed, context)).toBe("wp app password");

      const encrypt = kms.requests.find((r) => r.target === "TrentService.Encrypt")!;
      expect(encrypt.body).toMatchObject({ KeyId: "alias/igny8-secrets", EncryptionContext: context });
      expect(JSON.stringify(encrypt.body)).not.toContain("wp app password");
      const decrypt = kms.requests.find((r) => r.target === "TrentService.Decrypt")!;
      expect(decrypt.body).toMatchObject({ KeyId: "alias/igny8-secrets", EncryptionContext: context });

      await expect(open(sealed, { ...context, siteId: "sit_2" })).rejects.toMatchObject({ code: "crypto.open_failed" });
      await expect(kmsSecretBox("alias/other").open(sealed, context)).rejects.toThrow(/another KMS key/);
      await expect(open("v1.local.00000000.a.b", context)).rejects.toThrow(/not sealed by KMS/);
    } finally {
      await kms.close();
    }
  });

  it("needs a key id", () => {
    setEnv({ IGNY8_SECRETS: "kms", IGNY8_KMS_KEY_ID: undefined });
    expect(() => useSecretBox()).toThrow(/IGNY8_KMS_KEY_ID/);
  });
});
