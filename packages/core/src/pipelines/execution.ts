import { Entity } from "electrodb";
import { z } from "zod";
import { useAccount } from "../actor";
import { lazyEntity } from "../db";
import { Page } from "../pagination";
import { Authz } from "../authz";
import { VisibleError } from "../util/error";

/**
 * The record of a pipeline execution, kept in the table so the API and the dashboard can show
 * progress. The execution row holds status and totals; each item a Map state works on has its own
 * row (status, error reason, cost), so concurrent iterations never rewrite one another and a
 * retried step rewrites only its own row. `done`, `failed` and `cost` are counted from the item
 * rows when read, so a retried step cannot count twice.
 *
 * An execution's id is its Step Functions execution name (`exe_...` when started through
 * `Pipelines.start`; whatever EventBridge Scheduler chose when a schedule started it, in which
 * case the pipeline's first step records it with `begin`).
 */

export type ExecutionStatus = "running" | "succeeded" | "failed";
export type ItemStatus = "running" | "succeeded" | "failed";

const executionSchema = {
  model: { entity: "execution", version: "1", service: "igny8" },
  attributes: {
    accountId: { type: "string", required: true, readOnly: true },
    executionId: { type: "string", required: true, readOnly: true },
    pipeline: { type: "string", required: true, readOnly: true },
    /** The caller's idempotency name, when one was given. */
    name: { type: "string" },
    status: { type: ["running", "succeeded", "failed"] as const, required: true },
    /** The input, or a truncated summary of it when large. */
    input: { type: "any" },
    total: { type: "number" },
    result: { type: "any" },
    error: { type: "string" },
    startedAt: { type: "string", required: true, readOnly: true },
    endedAt: { type: "string" },
    /** Side effects already done (see `once`). */
    steps: { type: "set", items: "string" },
  },
  indexes: {
    byId: {
      pk: { field: "pk", composite: ["accountId"] },
      sk: { field: "sk", composite: ["executionId"] },
    },
    byPipeline: {
      index: "gsi1",
      pk: { field: "gsi1pk", composite: ["accountId", "pipeline"] },
      sk: { field: "gsi1sk", composite: ["startedAt", "executionId"] },
    },
  },
} as const;

const itemSchema = {
  model: { entity: "executionItem", version: "1", service: "igny8" },
  attributes: {
    accountId: { type: "string", required: true, readOnly: true },
    executionId: { type: "string", required: true, readOnly: true },
    item: { type: "string", required: true, readOnly: true },
    status: { type: ["running", "succeeded", "failed"] as const, required: true },
    error: { type: "string" },
    detail: { type: "any" },
    cost: { type: "number" },
    updatedAt: { type: "string", required: true },
  },
  indexes: {
    byExecution: {
      pk: { field: "pk", composite: ["accountId", "executionId"] },
      sk: { field: "sk", composite: ["item"] },
    },
  },
} as const;

/** Claims an idempotency name so a second start with it finds the first execution. */
const nameSchema = {
  model: { entity: "executionName", version: "1", service: "igny8" },
  attributes: {
    accountId: { type: "string", required: true, readOnly: true },
    pipeline: { type: "string", required: true, readOnly: true },
    name: { type: "string", required: true, readOnly: true },
    executionId: { type: "string", required: true, readOnly: true },
  },
  indexes: {
    byName: {
      pk: { field: "pk", composite: ["accountId"] },
      sk: { field: "sk", composite: ["pipeline", "name"] },
    },
  },
} as const;

export const ExecutionEntity = lazyEntity((config) => new Entity(executionSchema, config));
export const ExecutionItemEntity = lazyEntity((config) => new Entity(itemSchema, config));
const ExecutionNameEntity = lazyEntity((config) => new Entity(nameSchema, config));

const conditionalFailed = (error: unknown) =>
  error instanceof Error &&
  (error.message.includes("ConditionalCheckFailed") ||
    (error.cause instanceof Error && error.cause.name === "ConditionalCheckFailedException"));

const executionId = /^[A-Za-z0-9_-]{1,80}$/;

function checkId(id: string) {
  if (!executionId.test(id)) {
    throw new VisibleError("input", "execution.id_invalid", "That is not an execution id", {
      fields: [{ path: "executionId", message: "1-80 letters, digits, '-' or '_'" }],
    });
  }
}

const maxInputChars = 4000;

/** What an execution keeps of its input: the input itself, or a marked summary when large. */
export function summarizeInput(input: unknown): unknown {
  const text = JSON.stringify(input ?? null);
  if (text.length <= maxInputChars) return input ?? null;
  return { truncated: true, chars: text.length, preview: text.slice(0, maxInputChars) };
}

/**
 * Finds the execution already started under `name` for this pipeline, or claims the name for
 * `candidateId`. Returns the id that owns the name and whether this call claimed it.
 */
export async function claimName(pipeline: string, name: string, candidateId: string) {
  const accountId = useAccount();
  try {
    await ExecutionNameEntity()
      .create({ accountId, pipeline, name, executionId: candidateId })
      .go();
    return { executionId: candidateId, claimed: true };
  } catch (error) {
    if (!conditionalFailed(error)) throw error;
    const existing = await ExecutionNameEntity().get({ accountId, pipeline, name }).go();
    if (!existing.data) throw error;
    return { executionId: existing.data.executionId, claimed: false };
  }
}

/** Records a running execution; recording the same id again leaves the first record as it is. */
export async function begin(input: {
  executionId: string;
  pipeline: string;
  input?: unknown;
  name?: string;
}): Promise<void> {
  checkId(input.executionId);
  try {
    await ExecutionEntity()
      .create({
        accountId: useAccount(),
        executionId: input.executionId,
        pipeline: input.pipeline,
        name: input.name,
        status: "running",
        input: summarizeInput(input.input),
        startedAt: new Date().toISOString(),
      })
      .go();
  } catch (error) {
    if (!conditionalFailed(error)) throw error;
  }
}

/** Sets how many items the execution will work on. */
export async function setTotal(id: string, total: number): Promise<void> {
  await ExecutionEntity().patch({ accountId: useAccount(), executionId: id }).set({ total }).go();
}

async function putItem(
  id: string,
  item: string,
  status: ItemStatus,
  extra: { error?: string; detail?: unknown; cost?: number },
) {
  await ExecutionItemEntity()
    .put({
      accountId: useAccount(),
      executionId: id,
      item,
      status,
      error: extra.error,
      detail: extra.detail,
      cost: extra.cost,
      updatedAt: new Date().toISOString(),
    })
    .go();
}

export async function itemStarted(id: string, item: string): Promise<void> {
  await putItem(id, item, "running", {});
}

/** Marks one item done; `cost` is what the item used (credits), counted once per item. */
export async function itemSucceeded(
  id: string,
  item: string,
  options: { detail?: unknown; cost?: number } = {},
): Promise<void> {
  await putItem(id, item, "succeeded", options);
}

/** Marks one item failed with the reason people will read in the dashboard. */
export async function itemFailed(id: string, item: string, reason: string): Promise<void> {
  await putItem(id, item, "failed", { error: reason.slice(0, 2000) });
}

/**
 * Ends the execution. Only a running execution changes, so a retried final step is harmless and
 * a late failure cannot overwrite a success.
 */
export async function finish(
  id: string,
  status: Exclude<ExecutionStatus, "running">,
  options: { result?: unknown; error?: string } = {},
): Promise<void> {
  try {
    await ExecutionEntity()
      .patch({ accountId: useAccount(), executionId: id })
      .set({
        status,
        endedAt: new Date().toISOString(),
        ...(options.result === undefined ? {} : { result: options.result }),
        ...(options.error === undefined ? {} : { error: options.error.slice(0, 2000) }),
      })
      .where((attr, op) => op.eq(attr.status, "running"))
      .go();
  } catch (error) {
    if (!conditionalFailed(error)) throw error;
  }
}

/**
 * Runs `action` at most once per execution and `step` (e.g. publishing an event): the step is
 * claimed with a conditional write first; if `action` throws, the claim is released so a retry of
 * the state runs it again. Returns false when the step had already been done.
 */
export async function once(
  id: string,
  step: string,
  action: () => Promise<unknown>,
): Promise<boolean> {
  const key = { accountId: useAccount(), executionId: id };
  try {
    await ExecutionEntity()
      .update(key)
      .add({ steps: [step] })
      .where((attr, op) => `${op.exists(attr.status)} AND ${op.notContains(attr.steps, step)}`)
      .go();
  } catch (error) {
    if (!conditionalFailed(error)) throw error;
    const existing = await ExecutionEntity().get(key).go();
    if (!existing.data)
      throw new VisibleError("not_found", "execution.not_found", `There is no execution ${id}`);
    return false;
  }
  try {
    await action();
  } catch (error) {
    await ExecutionEntity()
      .update(key)
      .delete({ steps: [step] })
      .go();
    throw error;
  }
  return true;
}

/** The execution id as the API takes it (`exe_...`, or a scheduler-chosen execution name). */
export const ExecutionId = z
  .string()
  .regex(executionId, "not an execution id")
  .meta({ example: "exe_01hz3v5k8q2w4e6r8t0y2u4i6o" });

const Status = z.enum(["running", "succeeded", "failed"]);

export const ItemView = z
  .object({
    item: z.string().meta({ description: "What the item is (e.g. a folder, a keyword id)" }),
    status: Status,
    error: z.string().optional().meta({ description: "Why it failed, for people" }),
    detail: z.unknown().optional(),
    cost: z.number().optional().meta({ description: "Credits this item used" }),
    updatedAt: z.string(),
  })
  .meta({ id: "ExecutionItem" });
export type ExecutionItemView = z.infer<typeof ItemView>;

export const View = z
  .object({
    id: ExecutionId,
    pipeline: z.string(),
    status: Status,
    name: z.string().optional(),
    input: z.unknown(),
    result: z.unknown().optional(),
    error: z.string().optional(),
    startedAt: z.string(),
    endedAt: z.string().optional(),
    cost: z.number().meta({ description: "Credits used so far (sum over items)" }),
    progress: z.object({
      total: z.number().int(),
      done: z.number().int(),
      failed: z.number().int(),
      items: z.array(ItemView),
    }),
  })
  .meta({ id: "Execution" });
export type ExecutionView = z.infer<typeof View>;

export const Summary = z
  .object({
    id: ExecutionId,
    pipeline: z.string(),
    status: Status,
    startedAt: z.string(),
    endedAt: z.string().optional(),
    total: z.number().int().optional(),
    error: z.string().optional(),
  })
  .meta({ id: "ExecutionSummary" });

async function items(id: string): Promise<ExecutionItemView[]> {
  const { data } = await ExecutionItemEntity()
    .query.byExecution({ accountId: useAccount(), executionId: id })
    .go({ pages: "all" });
  return data.map((row) => ({
    item: row.item,
    status: row.status,
    error: row.error,
    detail: row.detail,
    cost: row.cost,
    updatedAt: row.updatedAt,
  }));
}

/**
 * An execution that works on one site (its input names a `siteId`) is visible only to actors
 * whose site restriction includes that site, like every other site-scoped record.
 */
function visibleToActor(input: unknown): boolean {
  const siteId = (input as { siteId?: unknown } | null)?.siteId;
  return typeof siteId !== "string" || Authz.siteAllowed(siteId);
}

/** The execution with its progress, or undefined when this account has no such execution. */
export async function get(id: string): Promise<ExecutionView | undefined> {
  checkId(id);
  const { data } = await ExecutionEntity().get({ accountId: useAccount(), executionId: id }).go();
  if (!data || !visibleToActor(data.input)) return undefined;
  const rows = await items(id);
  const done = rows.filter((row) => row.status === "succeeded").length;
  const failed = rows.filter((row) => row.status === "failed").length;
  return {
    id: data.executionId,
    pipeline: data.pipeline,
    status: data.status,
    name: data.name,
    input: data.input,
    result: data.result,
    error: data.error,
    startedAt: data.startedAt,
    endedAt: data.endedAt,
    cost: rows.reduce((sum, row) => sum + (row.cost ?? 0), 0),
    progress: { total: data.total ?? rows.length, done, failed, items: rows },
  };
}

/** The account's executions of one pipeline, newest first, without item detail (signed cursors). */
export async function list(
  pipeline: string,
  options: { limit?: number; cursor?: string } = {},
): Promise<Page.Result<z.infer<typeof Summary>>> {
  const accountId = useAccount();
  const scope = `executions:${accountId}:${pipeline}`;
  const result = await ExecutionEntity()
    .query.byPipeline({ accountId, pipeline })
    .go({
      order: "desc",
      limit: options.limit ?? 25,
      cursor: Page.decode(options.cursor, scope) ?? null,
    });
  return {
    items: result.data.filter((row) => visibleToActor(row.input)).map((row) => ({
      id: row.executionId,
      pipeline: row.pipeline,
      status: row.status,
      startedAt: row.startedAt,
      endedAt: row.endedAt,
      total: row.total,
      error: row.error,
    })),
    cursor: Page.encode(result.cursor, scope),
  };
}
