/// <reference path="../packages/local/src/dynamo/dynalite.d.ts" />
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startDynamo } from "../packages/local/src/dynamo/index";
import { startS3 } from "../packages/local/src/s3/index";

/**
 * One DynamoDB emulator (patched dynalite, in memory) and one S3 emulator (s3rver, temp dir) for
 * the whole test run, on free ports. Test files reach them through `inject(...)` or the
 * environment (IGNY8_DYNAMO_ENDPOINT, IGNY8_S3_ENDPOINT, IGNY8_BUCKET); `useTestTable()` from
 * @igny8/core/testing gives each file its own table.
 */
export const testBucket = "igny8-test";

export default async function setup(project: TestProject) {
  const s3Directory = await mkdtemp(join(tmpdir(), "igny8-test-s3-"));
  const [dynamo, s3] = await Promise.all([
    startDynamo(),
    startS3({ directory: s3Directory, buckets: [{ name: testBucket }] }),
  ]);
  process.env.IGNY8_DYNAMO_ENDPOINT = dynamo.endpoint;
  process.env.IGNY8_S3_ENDPOINT = s3.endpoint;
  process.env.IGNY8_BUCKET = testBucket;
  project.provide("dynamoEndpoint", dynamo.endpoint);
  project.provide("s3Endpoint", s3.endpoint);
  project.provide("bucket", testBucket);

  return async () => {
    await Promise.all([dynamo.stop(), s3.stop()]);
    await rm(s3Directory, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    s3Endpoint: string;
    bucket: string;
  }
}
