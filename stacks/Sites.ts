import { Annotations, Duration, RemovalPolicy } from "aws-cdk-lib";
import {
  AllowedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HttpVersion,
  ViewerProtocolPolicy,
} from "aws-cdk-lib/aws-cloudfront";
import { S3BucketOrigin } from "aws-cdk-lib/aws-cloudfront-origins";
import { Effect, PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from "aws-cdk-lib/aws-s3";
import { type StackContext, use } from "sst/constructs";
import { bucketLayout, Storage } from "./Storage";

/** Astro builds `page/index.html`: map `/page/` and `/page` to it at the edge. */
const indexRewrite = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith("/")) {
    request.uri = uri + "index.html";
  } else if (uri.split("/").pop().indexOf(".") === -1) {
    request.uri = uri + "/index.html";
  }
  return request;
}`;

/**
 * The CloudFront distributions, both reading private buckets through Origin Access Control:
 * - rendered customer sites: the storage bucket's `rendered/` prefix, where the Astro renderer
 *   uploads built sites;
 * - the dashboard: its own bucket, filled by the Web stack. It is created here, before the Api,
 *   because the API must know the dashboard's origin (CORS, links in e-mails) while the dashboard
 *   build needs the API's URL: hosting first, then the API, then the dashboard's files.
 */
export function Sites({ stack }: StackContext) {
  const { bucket } = use(Storage);
  const renderedPath = `/${bucketLayout.renderedPrefix.replace(/\/$/, "")}`;

  // The bucket policy lives in the Storage stack. Naming this distribution's ARN there would make
  // Storage and Sites depend on each other, so the grant is scoped to `rendered/*` and to
  // CloudFront distributions of this account, and the origin gets the bucket by reference only.
  bucket.addToResourcePolicy(
    new PolicyStatement({
      sid: "CloudFrontReadsRenderedSites",
      effect: Effect.ALLOW,
      principals: [new ServicePrincipal("cloudfront.amazonaws.com")],
      actions: ["s3:GetObject"],
      resources: [bucket.arnForObjects(`${bucketLayout.renderedPrefix}*`)],
      conditions: {
        StringEquals: { "AWS:SourceAccount": stack.account },
        ArnLike: {
          "AWS:SourceArn": `arn:${stack.partition}:cloudfront::${stack.account}:distribution/*`,
        },
      },
    }),
  );
  const renderedBucket = Bucket.fromBucketAttributes(stack, "RenderedSitesBucket", {
    bucketArn: bucket.bucketArn,
    bucketRegionalDomainName: bucket.bucketRegionalDomainName,
  });
  Annotations.of(stack).acknowledgeWarning(
    "@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac",
    "The rendered/ read grant is in the Storage stack's bucket policy",
  );

  const distribution = new Distribution(stack, "SitesDistribution", {
    comment: `IGNY8 ${stack.stage} rendered sites`,
    defaultRootObject: "index.html",
    httpVersion: HttpVersion.HTTP2_AND_3,
    defaultBehavior: {
      origin: S3BucketOrigin.withOriginAccessControl(renderedBucket, { originPath: renderedPath }),
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachePolicy: CachePolicy.CACHING_OPTIMIZED,
      compress: true,
      functionAssociations: [
        {
          function: new CloudFrontFunction(stack, "SitesIndexRewrite", {
            code: FunctionCode.fromInline(indexRewrite),
            runtime: FunctionRuntime.JS_2_0,
          }),
          eventType: FunctionEventType.VIEWER_REQUEST,
        },
      ],
    },
  });

  const url = `https://${distribution.distributionDomainName}`;

  // The dashboard's files are rebuilt on every deploy: nothing to retain, even in production.
  const dashboardBucket = new Bucket(stack, "DashboardBucket", {
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    removalPolicy: RemovalPolicy.DESTROY,
    autoDeleteObjects: true,
  });
  const dashboardDistribution = new Distribution(stack, "DashboardDistribution", {
    comment: `IGNY8 ${stack.stage} dashboard`,
    defaultRootObject: "index.html",
    httpVersion: HttpVersion.HTTP2_AND_3,
    defaultBehavior: {
      origin: S3BucketOrigin.withOriginAccessControl(dashboardBucket),
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachePolicy: CachePolicy.CACHING_OPTIMIZED,
      compress: true,
    },
    // A single-page app: unknown paths (403 from a private bucket, or 404) are its routes.
    errorResponses: [403, 404].map((httpStatus) => ({
      httpStatus,
      responseHttpStatus: 200,
      responsePagePath: "/index.html",
      ttl: Duration.seconds(0),
    })),
  });
  const dashboardUrl = `https://${dashboardDistribution.distributionDomainName}`;

  stack.addOutputs({
    SitesUrl: url,
    SitesDistributionId: distribution.distributionId,
    DashboardUrl: dashboardUrl,
  });
  return { distribution, url, dashboardBucket, dashboardDistribution, dashboardUrl };
}
