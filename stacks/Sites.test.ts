// Sites: the two CloudFront distributions (rendered customer sites, the dashboard), and where the
// Web stack takes the dashboard's files from. What the Web stack uploads is checked on the
// finished synth in index.test.ts.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  buildTemplates,
  json,
  only,
  type Resource,
  resources,
  type Statement,
  type Templates,
} from "./testing";
import { dashboardBuildCommand, dashboardSource } from "./Web";

let templates: Templates;

beforeAll(async () => {
  templates = await buildTemplates({ stage: "test", finish: false });
});

type DistributionConfig = {
  Comment: string;
  DefaultRootObject: string;
  DefaultCacheBehavior: {
    ViewerProtocolPolicy: string;
    FunctionAssociations?: { EventType: string; FunctionARN: { "Fn::GetAtt": [string, string] } }[];
  };
  Origins: {
    DomainName: unknown;
    OriginPath?: string;
    OriginAccessControlId?: unknown;
    S3OriginConfig: { OriginAccessIdentity: string };
  }[];
  CustomErrorResponses?: unknown[];
};

function distribution(comment: RegExp): [string, DistributionConfig] {
  const matching = Object.entries(resources(templates.Sites, "AWS::CloudFront::Distribution"))
    .map(([id, resource]): [string, DistributionConfig] => [
      id,
      (resource.Properties as { DistributionConfig: DistributionConfig }).DistributionConfig,
    ])
    .filter(([, config]) => comment.test(config.Comment));
  expect(matching).toHaveLength(1);
  return matching[0]!;
}

function statements(policy: Resource): Statement[] {
  return (policy.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument
    .Statement;
}

function expectOriginAccessControl(config: DistributionConfig) {
  expect(config.Origins).toHaveLength(1);
  const [origin] = config.Origins;
  expect(json(origin!.OriginAccessControlId)).toContain("OriginAccessControl");
  // No legacy origin access identity.
  expect(origin!.S3OriginConfig.OriginAccessIdentity).toBe("");
}

describe("Sites: CloudFront in front of rendered/", () => {
  it("reads the storage bucket's rendered/ prefix through Origin Access Control", () => {
    const [, config] = distribution(/rendered sites/);
    expectOriginAccessControl(config);
    const [origin] = config.Origins;
    expect(json(origin!.DomainName)).toMatch(/test-igny8-Storage:.*Bucket.*RegionalDomainName/);
    expect(origin!.OriginPath).toBe("/rendered");
    templates.Sites.resourceCountIs("AWS::CloudFront::OriginAccessControl", 2);
    templates.Sites.allResourcesProperties("AWS::CloudFront::OriginAccessControl", {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: "s3",
        SigningBehavior: "always",
        SigningProtocol: "sigv4",
      },
    });
  });

  it("lets CloudFront of this account only s3:GetObject under rendered/", () => {
    const [, policy] = only(resources(templates.Storage, "AWS::S3::BucketPolicy"));
    const grants = statements(policy).filter((s) => json(s.Principal).includes("cloudfront"));
    expect(grants).toHaveLength(1);
    const [grant] = grants;
    expect(grant).toMatchObject({
      Effect: "Allow",
      Action: "s3:GetObject",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Condition: { StringEquals: { "AWS:SourceAccount": "123456789012" } },
    });
    expect(json(grant!.Resource)).toContain('"/rendered/*"');
    expect(json(grant!.Condition?.ArnLike?.["AWS:SourceArn"])).toContain(
      ":cloudfront::123456789012:distribution/*",
    );
  });

  it("redirects to HTTPS and serves index.html for directories", () => {
    const [, config] = distribution(/rendered sites/);
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe("redirect-to-https");
    expect(config.DefaultRootObject).toBe("index.html");
    const [association] = config.DefaultCacheBehavior.FunctionAssociations ?? [];
    expect(association!.EventType).toBe("viewer-request");
    const functionId = association!.FunctionARN["Fn::GetAtt"][0];
    const fn = resources(templates.Sites, "AWS::CloudFront::Function")[functionId]!;
    expect(fn.Properties).toMatchObject({ FunctionConfig: { Runtime: "cloudfront-js-2.0" } });

    // Run the edge function's code on the URIs a rendered Astro site is asked for.
    const handler = new Function(
      `${fn.Properties!.FunctionCode as string}; return handler;`,
    )() as (event: { request: { uri: string } }) => { uri: string };
    const rewrite = (uri: string) => handler({ request: { uri } }).uri;
    expect(rewrite("/")).toBe("/index.html");
    expect(rewrite("/site_1/")).toBe("/site_1/index.html");
    expect(rewrite("/site_1/blog/post")).toBe("/site_1/blog/post/index.html");
    expect(rewrite("/site_1/styles/app.css")).toBe("/site_1/styles/app.css");
  });
});

describe("Sites: the dashboard's distribution", () => {
  it("keeps the dashboard bucket private, encrypted and TLS-only", () => {
    const [, bucket] = only(resources(templates.Sites, "AWS::S3::Bucket"));
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    const [, policy] = only(resources(templates.Sites, "AWS::S3::BucketPolicy"));
    expect(statements(policy)).toContainEqual(
      expect.objectContaining({
        Effect: "Deny",
        Principal: { AWS: "*" },
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    );
  });

  it("lets only its own distribution read that bucket, through Origin Access Control", () => {
    const [distributionId, config] = distribution(/dashboard/);
    expectOriginAccessControl(config);
    const [, policy] = only(resources(templates.Sites, "AWS::S3::BucketPolicy"));
    const reads = statements(policy).filter((s) => json(s.Principal).includes("cloudfront"));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({
      Effect: "Allow",
      Action: "s3:GetObject",
      Principal: { Service: "cloudfront.amazonaws.com" },
    });
    expect(json(reads[0]!.Condition?.StringEquals?.["AWS:SourceArn"])).toContain(distributionId);
  });

  it("serves HTTPS only, index.html at the root and for the app's client-side routes", () => {
    const [, config] = distribution(/dashboard/);
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe("redirect-to-https");
    expect(config.DefaultRootObject).toBe("index.html");
    for (const code of [403, 404]) {
      expect(config.CustomErrorResponses).toContainEqual({
        ErrorCode: code,
        ResponseCode: 200,
        ResponsePagePath: "/index.html",
        ErrorCachingMinTTL: 0,
      });
    }
  });

  it("is emptied and removed with any stage (every deploy rebuilds it)", () => {
    templates.Sites.hasResource("AWS::S3::Bucket", { DeletionPolicy: "Delete" });
    templates.Sites.resourceCountIs("Custom::S3AutoDeleteObjects", 1);
  });
});

describe("Web: where the dashboard's files come from", () => {
  function repo(withDist: boolean) {
    const root = mkdtempSync(path.join(tmpdir(), "igny8-web-"));
    if (withDist) {
      mkdirSync(path.join(root, "web", "dist"), { recursive: true });
      writeFileSync(path.join(root, "web", "dist", "index.html"), "<!doctype html>");
    }
    return root;
  }

  it("a real deploy always builds web/ and uploads web/dist", () => {
    expect(dashboardSource(false, repo(false))).toEqual({
      buildCommand: dashboardBuildCommand,
      buildOutput: "dist",
    });
    expect(dashboardBuildCommand).toBe("pnpm --filter @igny8/web build");
  });

  it("an offline synth uses an existing build and never builds", () => {
    expect(dashboardSource(true, repo(true))).toEqual({ buildOutput: "dist" });
  });

  it("an offline synth of a fresh clone packages the not-built page instead of failing", () => {
    const source = dashboardSource(true, repo(false));
    expect(source).toEqual({ buildOutput: "../stacks/fixtures/dashboard-offline" });
    const page = path.join(import.meta.dirname, "..", "web", source.buildOutput, "index.html");
    expect(existsSync(page)).toBe(true);
  });
});
