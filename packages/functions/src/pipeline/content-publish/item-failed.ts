import { Execution } from "@igny8/core/pipelines";
import { Publishing } from "@igny8/core/publishing";
import { reason, task } from "../task";
import { caught, type ItemResult, itemInput } from "./shared";

const input = itemInput.extend({ error: caught });

/**
 * ItemFailed (the Map iteration's Catch): the item is failed with its reason on the execution,
 * and the publishing record notes it (releasing the lease of a run that crashed), so the next run
 * resumes at once. The other items go on.
 */
export const handler = task(input, async ({ siteId, executionId, item, error }): Promise<ItemResult> => {
  const why = reason(error);
  const name = Publishing.itemName(item);
  await Execution.itemFailed(executionId, name, why);
  await Publishing.recordFailure({
    siteId,
    contentId: item.contentId,
    connectionId: item.connectionId,
    executionId,
    reason: why,
  });
  return { item: name, published: false, error: why };
});
