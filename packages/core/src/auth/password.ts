import { randomBytes } from "node:crypto";
import { argon2Verify, argon2id } from "hash-wasm";

/**
 * argon2id with OWASP's baseline (19 MiB, 2 passes, 1 lane), as PHC strings. WebAssembly rather
 * than a native addon: the API runs on arm64 Lambdas, built from x64 machines.
 */
const options = { parallelism: 1, iterations: 2, memorySize: 19_456, hashLength: 32 };

export function hashPassword(password: string): Promise<string> {
  return argon2id({ ...options, password, salt: randomBytes(16), outputType: "encoded" });
}

// Verified when the e-mail is unknown, so a miss takes as long as a wrong password.
let decoy: Promise<string> | undefined;

export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  if (!stored) {
    decoy ??= hashPassword("decoy password that matches nothing");
    await argon2Verify({ password, hash: await decoy }).catch(() => false);
    return false;
  }
  try {
    return await argon2Verify({ password, hash: stored });
  } catch {
    return false;
  }
}
