import { Execution } from "@igny8/core/pipelines";
import { Publishing } from "@igny8/core/publishing";
import { z } from "zod";
import { reason, task } from "../task";
import { caught, type ItemResult, itemInput, PublishingRejected, stepError } from "./shared";

/**
 * Publishing one content item to one destination as a pipeline step. The execution id is the
 * attempt key, so a retried step (after a crash or a timeout) resumes the same attempt and the
 * post exists once; content.published is announced once per execution.
 *
 * `handler` is the step any pipeline can end with (the content pipeline's last state when a task
 * has a destination); `itemHandler` is content-publish's Map step, which also records the item's
 * progress on the execution.
 */

const fields = z.object({
  accountId: z.string(),
  executionId: z.string().min(1),
  siteId: z.string().min(1),
  contentId: z.string().min(1),
  connectionId: z.string().min(1),
  status: z.enum(["draft", "publish", "future"]).default("publish"),
  scheduledAt: z.string().optional(),
  postType: z.string().optional(),
});

/**
 * The destination may come flat (connectionId, status, scheduledAt, postType) or as one object
 * `publish: { connectionId, status?, scheduledAt?, postType? }` (a state passes `"publish.$": "$.publish"`).
 */
const withDestination = (value: unknown) => {
  if (!value || typeof value !== "object") return value;
  const { publish, ...rest } = value as { publish?: unknown };
  return publish && typeof publish === "object" ? { ...rest, ...publish } : rest;
};

export const request = z.preprocess(withDestination, fields);

async function publishOne(input: z.output<typeof request>) {
  const { executionId, accountId: _accountId, ...fields } = input;
  const parsed = Publishing.PublishInput.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PublishingRejected(`input.invalid: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  try {
    return await Publishing.publishContent(parsed.data, { attemptKey: executionId, executionId });
  } catch (error) {
    throw stepError(error);
  }
}

/** The last step of a pipeline that publishes what it made (see the module comment). */
export const handler = task(request, async (input) => {
  const { record, post, warnings } = await publishOne(input);
  return {
    contentId: input.contentId,
    connectionId: input.connectionId,
    recordId: record.recordId,
    remoteId: post.id,
    link: post.link,
    status: post.status,
    warnings,
  };
});

/** PublishItem (one Map iteration of content-publish). */
export const itemHandler = task(itemInput, async ({ accountId, siteId, executionId, item }): Promise<ItemResult> => {
  const name = Publishing.itemName(item);
  const { record, post, warnings } = await publishOne({ accountId, executionId, siteId, ...item });
  await Execution.itemSucceeded(executionId, name, {
    detail: { recordId: record.recordId, remoteId: post.id, link: post.link, status: post.status, warnings },
  });
  return { item: name, published: true, recordId: record.recordId, remoteId: post.id, link: post.link, status: post.status };
});

/**
 * The Catch of a pipeline's publish step (`handler`): the publishing record notes why (and a
 * lease the crashed attempt held is released), and the pipeline goes on. Answers the reason.
 */
export const failedHandler = task(
  z.preprocess(
    withDestination,
    fields.pick({ accountId: true, executionId: true, siteId: true, contentId: true, connectionId: true }).extend({ error: caught }),
  ),
  async ({ executionId, siteId, contentId, connectionId, error }) => {
    const why = reason(error);
    await Publishing.recordFailure({ siteId, contentId, connectionId, executionId, reason: why });
    return { contentId, connectionId, published: false, error: why };
  },
);
