import { beforeAll, describe, expect, it } from "vitest";
import { tableLayout } from "../packages/core/src/db/index";
import { bucketLayout } from "./Storage";
import { buildTemplates, Match, only, resources, type Templates } from "./testing";

let test: Templates;
let production: Templates;

// Storage, Events, and the production stage across stacks. Everything checked here is set when
// the constructs are built, so the apps are not finished (no bundling).
beforeAll(async () => {
  test = await buildTemplates({ stage: "test", finish: false });
  production = await buildTemplates({ stage: "production", finish: false });
});

describe("Storage: the table", () => {
  it("is built from tableLayout: pk/sk, gsi1..gsi3 projecting ALL, every key a string", () => {
    const [, table] = only(resources(test.Storage, "AWS::DynamoDB::Table"));
    const props = table.Properties as {
      KeySchema: unknown[];
      GlobalSecondaryIndexes: { IndexName: string; KeySchema: unknown[]; Projection: unknown }[];
      AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
    };
    expect(props.KeySchema).toEqual([
      { AttributeName: tableLayout.partitionKey, KeyType: "HASH" },
      { AttributeName: tableLayout.sortKey, KeyType: "RANGE" },
    ]);
    expect(props.GlobalSecondaryIndexes).toEqual(
      tableLayout.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: "HASH" },
          { AttributeName: index.sortKey, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      })),
    );
    const keys = [
      tableLayout.partitionKey,
      tableLayout.sortKey,
      ...tableLayout.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
    ];
    expect(props.AttributeDefinitions).toEqual(
      keys.map((name) => ({ AttributeName: name, AttributeType: "S" })),
    );
  });

  it("is on demand, with point-in-time recovery, a new-and-old-images stream and TTL on expiresAt", () => {
    test.Storage.hasResourceProperties("AWS::DynamoDB::Table", {
      BillingMode: "PAY_PER_REQUEST",
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      StreamSpecification: { StreamViewType: "NEW_AND_OLD_IMAGES" },
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
    });
    expect(tableLayout.ttlAttribute).toBe("expiresAt");
  });

  it("is destroyed with a non-production stage and protected and retained in production", () => {
    test.Storage.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Delete",
      UpdateReplacePolicy: "Delete",
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
    production.Storage.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });
});

describe("Storage: the bucket", () => {
  it("is encrypted, versioned, owner-enforced and blocks every kind of public access", () => {
    test.Storage.hasResourceProperties("AWS::S3::Bucket", {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } },
        ],
      },
      VersioningConfiguration: { Status: "Enabled" },
      OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  it("expires temporary uploads and exports under tmp/ and old versions everywhere", () => {
    const [, bucket] = only(resources(test.Storage, "AWS::S3::Bucket"));
    const rules = (
      bucket.Properties as {
        LifecycleConfiguration: { Rules: Record<string, unknown>[] };
      }
    ).LifecycleConfiguration.Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({
        Prefix: bucketLayout.temporaryPrefix,
        ExpirationInDays: bucketLayout.temporaryDays,
        Status: "Enabled",
      }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({
        NoncurrentVersionExpiration: { NoncurrentDays: bucketLayout.noncurrentVersionDays },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        Status: "Enabled",
      }),
    );
    // The bucket-wide rule must not expire current objects: only tmp/ does.
    const expiring = rules.filter((rule) => rule.ExpirationInDays !== undefined);
    expect(expiring.map((rule) => rule.Prefix)).toEqual(["tmp/"]);
  });

  it("refuses plain HTTP for every principal", () => {
    test.Storage.hasResourceProperties("AWS::S3::BucketPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Deny",
            Action: "s3:*",
            Principal: { AWS: "*" },
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        ]),
      },
    });
  });

  it("is emptied and deleted with a non-production stage and retained in production", () => {
    test.Storage.hasResource("AWS::S3::Bucket", { DeletionPolicy: "Delete" });
    test.Storage.resourceCountIs("Custom::S3AutoDeleteObjects", 1);
    production.Storage.hasResource("AWS::S3::Bucket", {
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
    });
    production.Storage.resourceCountIs("Custom::S3AutoDeleteObjects", 0);
  });
});

describe("Storage: the secrets key", () => {
  it("is a rotating KMS key, deleted with a non-production stage and retained in production", () => {
    test.Storage.resourceCountIs("AWS::KMS::Key", 1);
    test.Storage.hasResource("AWS::KMS::Key", {
      DeletionPolicy: "Delete",
      Properties: Match.objectLike({ EnableKeyRotation: true, PendingWindowInDays: 7 }),
    });
    production.Storage.hasResource("AWS::KMS::Key", {
      DeletionPolicy: "Retain",
      Properties: Match.objectLike({ EnableKeyRotation: true, PendingWindowInDays: 30 }),
    });
  });
});

describe("Events", () => {
  it("is one EventBridge bus named igny8-<stage>", () => {
    test.Events.resourceCountIs("AWS::Events::EventBus", 1);
    test.Events.hasResourceProperties("AWS::Events::EventBus", { Name: "igny8-test" });
    production.Events.hasResourceProperties("AWS::Events::EventBus", { Name: "igny8-production" });
  });
});

describe("production stage", () => {
  it("keeps logs for three months and retains them with the stage", () => {
    const logGroups = Object.values(production).flatMap((template) =>
      Object.values(resources(template, "AWS::Logs::LogGroup")),
    );
    expect(logGroups.length).toBeGreaterThan(1);
    for (const logGroup of logGroups) {
      expect(logGroup.DeletionPolicy).toBe("Retain");
      expect(logGroup.Properties!.RetentionInDays).toBe(90);
    }
  });

  it("only empties the dashboard bucket, which every deploy rebuilds", () => {
    production.Sites.resourceCountIs("Custom::S3AutoDeleteObjects", 1);
    production.Sites.hasResource("AWS::S3::Bucket", { DeletionPolicy: "Delete" });
  });
});
