export * as Pipelines from "./index";
export * as Execution from "./execution";

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { useAccount } from "../actor";
import { settings } from "../config";
import { VisibleError } from "../util/error";
import { createId } from "../util/id";
import * as Execution from "./execution";

/**
 * Every state machine of the product. Each is an ASL file beside this one.
 *
 * Task convention (ALL pipelines): every Task state uses the optimised Lambda integration
 *
 *   "Resource": "arn:aws:states:::lambda:invoke",
 *   "Parameters": { "FunctionName": "${SubstitutionKey}", "Payload.$": "$" },   (or a Payload template)
 *   "OutputPath": "$.Payload"
 *
 * so the state's output is exactly what the handler returned. `SubstitutionKey` is a key of the
 * pipeline's `tasks` below: the stacks substitute it with the function's ARN
 * (definitionSubstitutions); the local runner substitutes a local ARN and answers the invoke with
 * `{ StatusCode: 200, Payload }` from the same handler function. A handler's thrown error surfaces
 * as the error name (its `name`, e.g. "Throttled") with Cause = JSON { errorType, errorMessage },
 * as Lambda reports it, so Retry/Catch match the same names in both places.
 *
 * The first Task passes `"executionId.$": "$$.Execution.Name"` so steps can record progress:
 * executions started through `start` are named by their `exe_...` id.
 */
export interface PipelineDefinition {
  /** Stable name, also the state machine's logical id suffix. */
  name: string;
  /** ASL file name beside this module. */
  file: string;
  /**
   * Substitution key used in the ASL (`${Key}`) → handler: the module path relative to
   * packages/functions/src without extension, a dot, and its export
   * (e.g. "pipeline/site-storage-usage/list-folders.handler").
   */
  tasks: Record<string, { handler: string }>;
  /** One sentence for people (dashboard, docs). */
  description?: string;
}

export const pipelines: PipelineDefinition[] = [
  {
    name: "site-storage-usage",
    file: "site-storage-usage.asl.json",
    description:
      "Recounts a site's stored bytes per folder of its S3 prefix, records the usage and announces when it is over quota.",
    tasks: {
      SiteStorageListFolders: { handler: "pipeline/site-storage-usage/list-folders.handler" },
      SiteStorageCountFolder: { handler: "pipeline/site-storage-usage/count-folder.handler" },
      SiteStorageFolderFailed: { handler: "pipeline/site-storage-usage/folder-failed.handler" },
      SiteStorageSumUsage: { handler: "pipeline/site-storage-usage/sum-usage.handler" },
      SiteStorageQuotaExceeded: { handler: "pipeline/site-storage-usage/quota-exceeded.handler" },
      SiteStorageRecordUsage: { handler: "pipeline/site-storage-usage/record-usage.handler" },
      SiteStorageFinish: { handler: "pipeline/site-storage-usage/finish.handler" },
      SiteStorageFailed: { handler: "pipeline/site-storage-usage/failed.handler" },
    },
  },
  {
    name: "content-generation",
    file: "content-generation.asl.json",
    description:
      "Writes a site's tasks: content, image prompts and images per task, with the plan's max_concurrent_tasks at a time; every AI call is held and charged in credits. With a destination, each task's content is then published to WordPress.",
    tasks: {
      ContentStartRun: { handler: "pipeline/content-generation/start-run.handler" },
      ContentGenerateContent: { handler: "pipeline/content-generation/generate-content.handler" },
      ContentGenerateImagePrompts: { handler: "pipeline/content-generation/image-prompts.handler" },
      ContentGenerateImage: { handler: "pipeline/content-generation/generate-image.handler" },
      ContentFinishTask: { handler: "pipeline/content-generation/finish-task.handler" },
      ContentTaskFailed: { handler: "pipeline/content-generation/task-failed.handler" },
      ContentFinishRun: { handler: "pipeline/content-generation/finish-run.handler" },
      ContentRunFailed: { handler: "pipeline/content-generation/run-failed.handler" },
      ContentPublishOne: { handler: "pipeline/content-publish/publish-one.handler" },
      ContentPublishOneFailed: { handler: "pipeline/content-publish/publish-one.failedHandler" },
    },
  },
  {
    name: "keyword-import",
    file: "keyword-import.asl.json",
    description:
      "Imports an uploaded keyword file: validates and hashes it without writing, then writes keywords in batches with a row-level report.",
    tasks: {
      KeywordImportValidate: { handler: "pipeline/keyword-import/validate.handler" },
      KeywordImportWrite: { handler: "pipeline/keyword-import/write.handler" },
      KeywordImportFinish: { handler: "pipeline/keyword-import/finish.handler" },
      KeywordImportFailed: { handler: "pipeline/keyword-import/failed.handler" },
    },
  },
  {
    name: "cluster-keywords",
    file: "cluster-keywords.asl.json",
    description:
      "Clusters a site's keywords per sector into topic clusters and page groups, keeping clusters people locked or edited.",
    tasks: {
      ClusterKeywordsPrepare: { handler: "pipeline/cluster-keywords/prepare.handler" },
      ClusterKeywordsSector: { handler: "pipeline/cluster-keywords/sector.handler" },
      ClusterKeywordsSectorFailed: { handler: "pipeline/cluster-keywords/sector-failed.handler" },
      ClusterKeywordsFinish: { handler: "pipeline/cluster-keywords/finish.handler" },
      ClusterKeywordsFailed: { handler: "pipeline/cluster-keywords/failed.handler" },
    },
  },
  {
    name: "content-publish",
    file: "content-publish.asl.json",
    description:
      "Publishes content items to their WordPress destinations exactly once each, retrying while WordPress is unavailable; a failed item is recorded with its reason.",
    tasks: {
      ContentPublishPrepare: { handler: "pipeline/content-publish/prepare.handler" },
      ContentPublishItem: { handler: "pipeline/content-publish/publish-one.itemHandler" },
      ContentPublishItemFailed: { handler: "pipeline/content-publish/item-failed.handler" },
      ContentPublishFinish: { handler: "pipeline/content-publish/finish.handler" },
      ContentPublishFailed: { handler: "pipeline/content-publish/failed.handler" },
    },
  },
];

/** The ASL text of a pipeline, exactly as the stacks and the local runner read it. */
export function readDefinition(pipeline: PipelineDefinition): string {
  return readFileSync(fileURLToPath(new URL(pipeline.file, import.meta.url)), "utf8");
}

/** The registered pipeline called `name`, or a not-found error naming it. */
export function find(name: string): PipelineDefinition {
  const pipeline = pipelines.find((candidate) => candidate.name === name);
  if (!pipeline) {
    throw new VisibleError(
      "not_found",
      "pipeline.unknown",
      `There is no pipeline called "${name}"`,
      {
        fields: [
          { path: "pipeline", message: `one of ${pipelines.map((p) => p.name).join(", ")}` },
        ],
      },
    );
  }
  return pipeline;
}

/** The environment variable holding a pipeline's state machine ARN: IGNY8_PIPELINE_<NAME>_ARN. */
export function arnEnvName(name: string): string {
  return `IGNY8_PIPELINE_${name.toUpperCase().replace(/-/g, "_")}_ARN`;
}

/** The state machine input: the caller's input with the account (from the actor) added. */
export type PipelineInput = Record<string, unknown> & { accountId: string };

export interface StartRequest {
  pipeline: PipelineDefinition;
  /** Also the Step Functions execution name, so a repeated start is a no-op. */
  executionId: string;
  input: PipelineInput;
}

/** Runs pipelines in-process; the local cloud registers one at start-up (`useRunner`). */
export interface PipelineRunner {
  start(request: StartRequest): Promise<void>;
}

/** Where `start` sends executions; chosen by IGNY8_PIPELINES. */
export interface PipelineTransport {
  name: "aws" | "local";
  start(request: StartRequest): Promise<void>;
}

let runner: PipelineRunner | undefined;

/** Registers (or with undefined, removes) the in-process runner used when IGNY8_PIPELINES=local. */
export function useRunner(next: PipelineRunner | undefined) {
  runner = next;
}

export function hasRunner(): boolean {
  return runner !== undefined;
}

function localTransport(): PipelineTransport {
  return {
    name: "local",
    async start(request) {
      if (!runner) {
        throw new VisibleError(
          "unavailable",
          "pipeline.runner_missing",
          "No local pipeline runner is running; start the local cloud with `pnpm dev`",
        );
      }
      await runner.start(request);
    },
  };
}

let sfn: SFNClient | undefined;

function awsTransport(): PipelineTransport {
  return {
    name: "aws",
    async start({ pipeline, executionId, input }) {
      const variable = arnEnvName(pipeline.name);
      const arn = process.env[variable];
      if (!arn?.startsWith("arn:")) {
        throw new VisibleError(
          "unavailable",
          "config.invalid",
          `Setting ${variable} is missing or not an ARN`,
        );
      }
      const { IGNY8_REGION, IGNY8_SFN_ENDPOINT } = settings();
      sfn ??= new SFNClient({
        region: IGNY8_REGION,
        ...(IGNY8_SFN_ENDPOINT
          ? {
              endpoint: IGNY8_SFN_ENDPOINT,
              credentials: { accessKeyId: "local", secretAccessKey: "local" },
            }
          : {}),
      });
      try {
        await sfn.send(
          new StartExecutionCommand({
            stateMachineArn: arn,
            name: executionId,
            input: JSON.stringify(input),
          }),
        );
      } catch (error) {
        // Same name started before (with other input): that execution is the one we want.
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
      }
    },
  };
}

function useTransport(): PipelineTransport {
  return settings().IGNY8_PIPELINES === "aws" ? awsTransport() : localTransport();
}

/**
 * Starts pipeline `name` for the current account and returns the execution id. With
 * `executionName`, starting again with the same name returns the first execution's id and starts
 * nothing (use a name derived from the subject, step and version).
 */
export async function start(
  name: string,
  input: Record<string, unknown> = {},
  options: { executionName?: string } = {},
): Promise<string> {
  const pipeline = find(name);
  const accountId = useAccount();
  let executionId = createId("execution");
  if (options.executionName !== undefined) {
    if (!/^[A-Za-z0-9_.:-]{1,200}$/.test(options.executionName)) {
      throw new VisibleError(
        "input",
        "pipeline.execution_name_invalid",
        "executionName has characters that are not allowed",
        {
          fields: [
            { path: "executionName", message: "1-200 letters, digits, '_', '.', ':' or '-'" },
          ],
        },
      );
    }
    const claim = await Execution.claimName(name, options.executionName, executionId);
    if (!claim.claimed) return claim.executionId;
    executionId = claim.executionId;
  }
  const payload: PipelineInput = { ...input, accountId };
  await Execution.begin({ executionId, pipeline: name, input, name: options.executionName });
  try {
    await useTransport().start({ pipeline, executionId, input: payload });
  } catch (error) {
    await Execution.finish(executionId, "failed", {
      error: `Could not start: ${error instanceof Error ? error.message : String(error)}`,
    });
    throw error;
  }
  return executionId;
}

/** Forget the cached AWS client (tests change endpoints). */
export function reset() {
  sfn?.destroy();
  sfn = undefined;
}
