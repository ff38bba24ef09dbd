import { Duration } from "aws-cdk-lib";
import { AttributeType, BillingMode, StreamViewType, Table } from "aws-cdk-lib/aws-dynamodb";
import { Effect, type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectOwnership,
} from "aws-cdk-lib/aws-s3";
import type { StackContext } from "sst/constructs";
import { tableLayout } from "../packages/core/src/db/index";
import { isProduction, removalPolicyFor } from "./config";

/**
 * Key layout of the bucket. Tenant files live under `sites/<accountId>/<siteId>/...`, rendered
 * static sites under `rendered/` (served by the Sites distribution), and anything short-lived
 * (uploads waiting to be imported, generated exports) under `tmp/`, which expires.
 */
export const bucketLayout = {
  sitesPrefix: "sites/",
  renderedPrefix: "rendered/",
  temporaryPrefix: "tmp/",
  temporaryDays: 7,
  noncurrentVersionDays: 30,
} as const;

/** The one DynamoDB table, the one S3 bucket and the key that seals stored secrets. */
export function Storage({ stack, app }: StackContext) {
  const production = isProduction(app.stage);
  const removalPolicy = removalPolicyFor(app.stage);

  const table = new Table(stack, "Table", {
    partitionKey: { name: tableLayout.partitionKey, type: AttributeType.STRING },
    sortKey: { name: tableLayout.sortKey, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    stream: StreamViewType.NEW_AND_OLD_IMAGES,
    timeToLiveAttribute: tableLayout.ttlAttribute,
    deletionProtection: production,
    removalPolicy,
  });
  for (const index of tableLayout.indexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
    });
  }

  const bucket = new Bucket(stack, "Bucket", {
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    versioned: true,
    lifecycleRules: [
      {
        id: "expire-temporary-files",
        prefix: bucketLayout.temporaryPrefix,
        expiration: Duration.days(bucketLayout.temporaryDays),
        noncurrentVersionExpiration: Duration.days(1),
      },
      {
        id: "expire-noncurrent-versions",
        noncurrentVersionExpiration: Duration.days(bucketLayout.noncurrentVersionDays),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      },
    ],
    // The dashboard uploads and downloads through presigned URLs; CORS grants no access by itself.
    cors: [
      {
        allowedMethods: [HttpMethods.GET, HttpMethods.PUT, HttpMethods.HEAD],
        allowedOrigins: ["*"],
        allowedHeaders: ["*"],
        exposedHeaders: ["ETag"],
        maxAge: 3000,
      },
    ],
    removalPolicy,
    autoDeleteObjects: !production,
  });

  // Seals the secrets the product stores (e.g. WordPress application passwords): core's Crypto
  // with IGNY8_SECRETS=kms encrypts each one under an encryption context naming its owner.
  const secretsKey = new Key(stack, "SecretsKey", {
    description: `IGNY8 ${app.stage}: seals stored secrets`,
    enableKeyRotation: true,
    pendingWindow: Duration.days(production ? 30 : 7),
    removalPolicy,
  });

  stack.addOutputs({ TableName: table.tableName, BucketName: bucket.bucketName });
  return { table, bucket, secretsKey };
}

/**
 * Read and write objects, list keys: what the API and the pipeline steps need. Narrower than
 * `bucket.grantReadWrite` (no ACL, retention or legal-hold actions, no bucket settings).
 */
export function grantFiles(grantee: IGrantable, bucket: Bucket) {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ["s3:ListBucket"],
      resources: [bucket.bucketArn],
    }),
  );
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
      resources: [bucket.arnForObjects("*")],
    }),
  );
}

/** Seal and open stored secrets with the key (KMS Encrypt/Decrypt of small values only). */
export function grantSecrets(grantee: IGrantable, key: Key) {
  key.grant(grantee, "kms:Encrypt", "kms:Decrypt");
}
