export * as Config from "./index";

import { z } from "zod";
import { VisibleError } from "../util/error";

/**
 * Every setting the product reads from its environment, validated once. In AWS the stacks set
 * these on each function; locally `pnpm dev` and the tests set them. Adapters are chosen here,
 * never by `if (local)` in domain code.
 */
function port(fallback: number) {
  const message = "expected a port number from 1 to 65535";
  return z
    .string()
    .regex(/^\d{1,5}$/, message)
    .transform(Number)
    .refine((value) => value >= 1 && value <= 65535, message)
    .default(fallback);
}

const schema = z.object({
  IGNY8_STAGE: z.string().min(1).default("local"),
  IGNY8_TABLE: z.string().min(1).default("igny8"),
  IGNY8_BUCKET: z.string().min(1).default("igny8"),
  IGNY8_REGION: z.string().min(1).default("us-east-1"),
  /** Set to the local emulator's URL; unset in AWS. */
  IGNY8_DYNAMO_ENDPOINT: z.url().optional(),
  IGNY8_S3_ENDPOINT: z.url().optional(),
  /** "aws" starts Step Functions executions; "local" hands them to the in-process runner. */
  IGNY8_PIPELINES: z.enum(["aws", "local"]).default("local"),
  IGNY8_EVENTS: z.enum(["aws", "local"]).default("local"),
  IGNY8_EVENT_BUS: z.string().min(1).default("igny8"),
  IGNY8_LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  /** "aws" writes EventBridge Scheduler schedules; "local" runs in-process croner jobs. */
  IGNY8_SCHEDULES: z.enum(["aws", "local"]).default("local"),
  IGNY8_SCHEDULE_GROUP: z.string().min(1).default("igny8"),
  /** The role EventBridge Scheduler assumes to start our state machines (set by the stacks). */
  IGNY8_SCHEDULER_ROLE_ARN: z.string().startsWith("arn:").optional(),
  /** Endpoint overrides for the AWS adapters (an AWS-compatible server); unset in AWS. */
  IGNY8_SFN_ENDPOINT: z.url().optional(),
  IGNY8_EVENTS_ENDPOINT: z.url().optional(),
  IGNY8_SCHEDULER_ENDPOINT: z.url().optional(),
  /** The local cloud (`pnpm dev`): ports and where emulator data is kept (default `<repo>/.igny8`). */
  IGNY8_PORT: port(4100),
  IGNY8_DYNAMO_PORT: port(4101),
  IGNY8_S3_PORT: port(4102),
  IGNY8_WEB_PORT: port(4103),
  /** The dashboard under `pnpm dev`: auto = web/dist if built, else Vite dev; or force one, or off. */
  IGNY8_WEB_MODE: z.enum(["auto", "static", "vite", "off"]).default("auto"),
  IGNY8_DATA_DIR: z.string().min(1).optional(),
  /** HS256 key for access tokens and signed cursors (>= 32 chars). AWS: an SST Config secret; local: generated under the data dir. */
  IGNY8_AUTH_SECRET: z.string().min(32).optional(),
  /** The dashboard's origin: the only origin CORS allows, and the base of links in e-mails. */
  IGNY8_WEB_ORIGIN: z.url().default("http://localhost:4103"),
  /** "outbox" keeps mail in the table (read it at GET /v1/dev/outbox); "ses" sends with Amazon SES v2. */
  IGNY8_MAIL: z.enum(["outbox", "ses"]).default("outbox"),
  IGNY8_MAIL_FROM: z.string().min(3).default("IGNY8 <no-reply@igny8.local>"),
  IGNY8_SES_ENDPOINT: z.url().optional(),
  /** Enables development-only routes such as GET /v1/dev/outbox. Never set in AWS. */
  IGNY8_DEV_ROUTES: z.enum(["true", "false", "1", "0"]).default("false").transform((v) => v === "true" || v === "1"),
  /** Requests per minute per client IP and per account (fixed windows shared by every Lambda). */
  IGNY8_RATE_LIMIT_IP: z.coerce.number().int().positive().default(600),
  IGNY8_RATE_LIMIT_ACCOUNT: z.coerce.number().int().positive().default(1200),
  /** Failed log-ins allowed per e-mail and per IP in a 15-minute window before `auth.throttled`. */
  IGNY8_LOGIN_FAILURES_EMAIL: z.coerce.number().int().positive().default(5),
  IGNY8_LOGIN_FAILURES_IP: z.coerce.number().int().positive().default(50),
  /** Plan given to new sign-ups. */
  IGNY8_DEFAULT_PLAN: z.string().regex(/^[a-z0-9-]{2,40}$/).default("free"),
  /** How stored secrets (WordPress Application Passwords) are sealed: "kms" (AWS KMS) or "local" (AES-256-GCM). */
  IGNY8_SECRETS: z.enum(["kms", "local"]).default("local"),
  /** The KMS key (id, ARN or alias) for IGNY8_SECRETS=kms. */
  IGNY8_KMS_KEY_ID: z.string().min(1).optional(),
  IGNY8_KMS_ENDPOINT: z.url().optional(),
  /** 32-byte key for IGNY8_SECRETS=local (base64 or 64 hex digits); on the local stage, generated under the data dir when unset. */
  IGNY8_LOCAL_KEY: z.string().min(1).optional(),
});

export type Settings = z.output<typeof schema>;

let cached: Settings | undefined;

/** Parses the environment; a malformed setting stops start-up with one message naming it. */
export function load(env: Record<string, string | undefined> = process.env): Settings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.join(".") ?? "environment";
    throw new VisibleError("input", "config.invalid", `Setting ${name} is invalid: ${issue?.message}`);
  }
  return parsed.data;
}

export function settings(): Settings {
  cached ??= load();
  return cached;
}

/** Tests and the local cloud change the environment after import; this forgets the cache. */
export function reset() {
  cached = undefined;
}
