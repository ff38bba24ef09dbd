/**
 * Small pieces the writer's records share (billing, prompt, author, task, content, image).
 */

/** True for a failed DynamoDB condition, as ElectroDB reports it (its message or its cause). */
export function isConditionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const cause = error.cause as { name?: string } | undefined;
  return (
    error.message.includes("conditional request failed") ||
    error.message.includes("ConditionalCheckFailed") ||
    cause?.name === "ConditionalCheckFailedException"
  );
}

/** createdAt / updatedAt attributes in the form every entity of the product uses. */
export const timestamps = {
  createdAt: {
    type: "string",
    required: true,
    readOnly: true,
    default: () => new Date().toISOString(),
  },
  updatedAt: {
    type: "string",
    required: true,
    watch: "*",
    default: () => new Date().toISOString(),
    set: () => new Date().toISOString(),
  },
} as const;

/** A number as a fixed-width string, so the string order of a sort key is the numeric order. */
export function pad(value: number, width = 6): string {
  return String(Math.max(0, Math.floor(value))).padStart(width, "0");
}
