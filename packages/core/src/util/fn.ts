import { type ZodType, z } from "zod";
import { VisibleError } from "./error";

export type Fn<Schema extends ZodType, Result> = ((input: z.input<Schema>) => Result) & {
  schema: Schema;
};

/** Turns zod issues into the `{ path, message }` list the API answers with. */
export function fieldErrors(error: z.ZodError) {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
}

/**
 * A validated domain function: the input is parsed by `schema` before `impl` runs, and the
 * schema stays attached (`fn.schema`) so routes and the OpenAPI document reuse it.
 */
export function fn<Schema extends ZodType, Result>(
  schema: Schema,
  impl: (input: z.output<Schema>) => Result,
): Fn<Schema, Result> {
  const validated = ((input: z.input<Schema>) => {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const fields = fieldErrors(parsed.error);
      const first = fields[0];
      throw new VisibleError(
        "input",
        "input.invalid",
        first ? `${first.path}: ${first.message}` : "Invalid input",
        { fields },
      );
    }
    return impl(parsed.data);
  }) as Fn<Schema, Result>;
  validated.schema = schema;
  return validated;
}
