import { SecretValue, type Stack } from "aws-cdk-lib";
import { use } from "sst/constructs";
import { Events } from "./Events";
import { Sites } from "./Sites";
import { Storage } from "./Storage";

/** AI settings (see packages/core/src/ai) copied from the deploying shell; none is secret. */
const aiSettings =
  /^IGNY8_AI_(BASE_URL|MODEL|MODEL_[A-Z0-9_]+|EMBEDDING_MODEL|IMAGE_MODEL|RPM|TPM|TIMEOUT_MS)$/;

/**
 * The AI provider's configuration for the Lambdas. The API key never goes into a template: the
 * deployer stores it in Secrets Manager and names the secret in IGNY8_AI_API_KEY_SECRET;
 * CloudFormation resolves it into the functions' (encrypted) configuration. Without it the
 * product uses its offline provider, as it does locally without a key.
 */
export function aiEnvironment(
  env: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value && aiSettings.test(name)) result[name] = value;
  }
  if (env.IGNY8_AI_API_KEY_SECRET) {
    result.IGNY8_AI_API_KEY = SecretValue.secretsManager(
      env.IGNY8_AI_API_KEY_SECRET,
    ).unsafeUnwrap();
  } else if (env.IGNY8_AI_API_KEY) {
    console.warn(
      "warning: IGNY8_AI_API_KEY is not deployed (it would be written into the template); " +
        "store it in Secrets Manager and set IGNY8_AI_API_KEY_SECRET to the secret's name",
    );
  }
  return result;
}

/**
 * The environment every Lambda of the product reads through packages/core's settings(): the AWS
 * adapters, the public URLs used in links, and the AI provider.
 */
export function runtimeEnvironment(stack: Stack, stage: string): Record<string, string> {
  const { table, bucket, secretsKey } = use(Storage);
  const { bus } = use(Events);
  const sites = use(Sites);
  return {
    IGNY8_STAGE: stage,
    IGNY8_REGION: stack.region,
    IGNY8_TABLE: table.tableName,
    IGNY8_BUCKET: bucket.bucketName,
    IGNY8_EVENT_BUS: bus.eventBusName,
    IGNY8_EVENTS: "aws",
    IGNY8_SECRETS: "kms",
    IGNY8_KMS_KEY_ID: secretsKey.keyArn,
    IGNY8_WEB_ORIGIN: sites.dashboardUrl,
    IGNY8_SITES_URL: sites.url,
    ...aiEnvironment(),
  };
}
