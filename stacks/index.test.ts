// The whole app as `pnpm synth` writes it (sst.config.ts bundled the way `sst deploy` bundles it),
// checks that hold for every stack at once.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { pipelines as registry } from "../packages/core/src/pipelines/index";
import { OFFLINE_ACCOUNT, type SynthResult, synthesize } from "./synth";
import { actionsOf, json, type Resource, type Statement } from "./testing";

const stackNames = ["Storage", "Events", "Sites", "Pipelines", "Automation", "Api", "Web"];

let result: SynthResult;
let templates: Record<string, { Resources: Record<string, Resource> }>;

// Handlers are compiled without their packages ("entry" bundles): full bundles of every pipeline
// task take minutes on a small machine; `pnpm synth` makes them. A busy machine still gets time.
beforeAll(async () => {
  result = await synthesize({
    stage: "test",
    outdir: mkdtempSync(path.join(tmpdir(), "igny8-synth-")),
    bundle: "entry",
  });
  templates = Object.fromEntries(
    result.templates.map((t) => [t.stack, JSON.parse(readFileSync(t.file, "utf8"))]),
  );
}, 300_000);

function all(type: string): [string, Resource][] {
  return Object.values(templates).flatMap((template) =>
    Object.entries(template.Resources).filter(([, resource]) => resource.Type === type),
  );
}

describe("pnpm synth", () => {
  it("writes one template per stack, each named after the stage", () => {
    expect(result.templates.map((t) => t.stack).sort()).toEqual(
      stackNames.map((name) => `test-igny8-${name}`).sort(),
    );
    for (const template of result.templates) {
      expect(template.file.startsWith(result.outdir)).toBe(true);
    }
  });

  it("uses the fixed offline account and names no path of the machine it ran on", () => {
    const text = JSON.stringify(templates);
    expect(text).toContain(OFFLINE_ACCOUNT);
    expect(text).not.toContain(path.resolve(import.meta.dirname, ".."));
    expect(text).not.toContain(tmpdir());
  });

  it("rejects a stage name CloudFormation could not use", async () => {
    await expect(synthesize({ stage: "not a stage" })).rejects.toThrow(/Stage "not a stage"/);
  });
});

describe("the finished app", () => {
  function packaged(fn: Resource) {
    const code = fn.Properties!.Code as { S3Key?: string; ZipFile?: string };
    return code.ZipFile === undefined && /\.zip$/.test(code.S3Key ?? "");
  }

  it("packages the API handler", () => {
    const api = all("AWS::Lambda::Function").filter(
      ([, fn]) => fn.Properties!.Description === "IGNY8 API (Hono)",
    );
    expect(api).toHaveLength(1);
    expect(api[0]![1].Properties!.Handler).toBe("packages/functions/src/api/lambda.handler");
    expect(packaged(api[0]![1])).toBe(true);
  });

  it("packages every task handler of every registered pipeline", () => {
    const functions = all("AWS::Lambda::Function");
    for (const pipeline of registry) {
      for (const [key, task] of Object.entries(pipeline.tasks)) {
        const matching = functions.filter(
          ([, fn]) => fn.Properties!.Description === `IGNY8 pipeline ${pipeline.name}: ${key}`,
        );
        expect(matching, `${pipeline.name}.${key}`).toHaveLength(1);
        const [, fn] = matching[0]!;
        expect(fn.Properties!.Handler).toBe(`packages/functions/src/${task.handler}`);
        expect(packaged(fn), `${pipeline.name}.${key}`).toBe(true);
      }
    }
  });

  it("uploads the dashboard to its bucket with the API's URL as VITE_API_URL", () => {
    const web = templates["test-igny8-Web"]!.Resources;
    const uploads = Object.values(web).filter((r) => r.Type === "Custom::S3Uploader");
    expect(uploads).toHaveLength(1);
    const props = uploads[0]!.Properties as {
      destinationBucketName: unknown;
      replaceValues: { files: string; search: string; replace: unknown }[];
    };
    expect(json(props.destinationBucketName)).toMatch(/test-igny8-Sites:.*DashboardBucket/);
    expect(props.replaceValues.map((v) => v.files).sort()).toEqual(["**/*.html", "**/*.js"]);
    for (const value of props.replaceValues) {
      expect(value.search).toBe("{{ VITE_API_URL }}");
      expect(json(value.replace)).toMatch(/test-igny8-Api:.*ApiEndpoint/);
    }
    const invalidations = Object.values(web).filter(
      (r) => r.Type === "Custom::CloudFrontInvalidator",
    );
    expect(invalidations).toHaveLength(1);
    expect(json(invalidations[0]!.Properties!.distributionId)).toMatch(
      /test-igny8-Sites:.*DashboardDistribution/,
    );
  });
});

describe("every stack", () => {
  it("runs every Lambda on nodejs22.x, and ours on arm64", () => {
    const functions = all("AWS::Lambda::Function");
    expect(functions.length).toBeGreaterThan(0);
    for (const [id, fn] of functions) {
      expect(fn.Properties!.Runtime, id).toBe("nodejs22.x");
      const handler = fn.Properties!.Handler as string;
      // SST's and CDK's own custom-resource providers are `index.handler`; ours are repo paths.
      if (handler !== "index.handler") {
        expect(handler, id).toMatch(/^packages\/functions\/src\//);
        expect(fn.Properties!.Architectures, id).toEqual(["arm64"]);
      }
    }
  });

  it("blocks public access on every bucket", () => {
    const buckets = all("AWS::S3::Bucket");
    expect(buckets).toHaveLength(2);
    for (const [id, bucket] of buckets) {
      expect(bucket.Properties!.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  it("grants no bucket access to anyone but our roles and CloudFront with a SourceArn condition", () => {
    const policies = all("AWS::S3::BucketPolicy");
    expect(policies).toHaveLength(2);
    for (const [id, policy] of policies) {
      const statements = (policy.Properties as { PolicyDocument: { Statement: Statement[] } })
        .PolicyDocument.Statement;
      for (const statement of statements.filter((s) => s.Effect === "Allow")) {
        const principal = statement.Principal as { AWS?: unknown; Service?: string } | string;
        expect(principal, id).not.toBe("*");
        expect(json(principal), id).not.toContain('"*"');
        if (typeof principal === "object" && principal.Service !== undefined) {
          expect(principal.Service, id).toBe("cloudfront.amazonaws.com");
          const conditions = json(statement.Condition);
          expect(conditions, id).toContain("AWS:SourceArn");
          expect(conditions, id).toContain(":cloudfront::");
          expect(actionsOf(statement), id).toEqual(["s3:GetObject"]);
        } else {
          // Only CDK's auto-delete role (non-production stages) gets an AWS principal.
          expect(json(principal), id).toContain(
            "CustomS3AutoDeleteObjectsCustomResourceProviderRole",
          );
        }
      }
    }
  });

  it("grants no wildcard action and cannot delete or reconfigure the table", () => {
    for (const [id, policy] of all("AWS::IAM::Policy")) {
      const statements = (policy.Properties as { PolicyDocument: { Statement: Statement[] } })
        .PolicyDocument.Statement;
      const actions = statements.flatMap(actionsOf);
      expect(actions, id).not.toContain("*");
      expect(
        actions.filter((a) => a.startsWith("dynamodb:") && a.includes("*")),
        id,
      ).toEqual([]);
      expect(actions, id).not.toContain("dynamodb:DeleteTable");
      expect(actions, id).not.toContain("dynamodb:UpdateTable");
    }
  });

  it("leaves nothing behind when a non-production stage is removed", () => {
    const stateful = [
      ...all("AWS::DynamoDB::Table"),
      ...all("AWS::S3::Bucket"),
      ...all("AWS::Logs::LogGroup"),
      ...all("AWS::StepFunctions::StateMachine"),
      ...all("AWS::Events::EventBus"),
      ...all("AWS::Scheduler::ScheduleGroup"),
      ...all("AWS::SecretsManager::Secret"),
      ...all("AWS::KMS::Key"),
    ];
    expect(stateful.length).toBeGreaterThan(5);
    for (const [id, resource] of stateful) expect(resource.DeletionPolicy, id).toBe("Delete");
    for (const [id, table] of all("AWS::DynamoDB::Table")) {
      expect(table.Properties!.DeletionProtectionEnabled, id).toBe(false);
    }
    expect(all("Custom::S3AutoDeleteObjects")).toHaveLength(2);
  });
});
