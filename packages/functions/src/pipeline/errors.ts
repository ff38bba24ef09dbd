import { toPipelineError } from "@igny8/core/ai";
import { isVisibleError } from "@igny8/core/util";

/** Payment and plan refusals: retrying the step cannot help until someone acts. */
const paymentNames: Record<string, string> = {
  "credits.insufficient": "CreditsInsufficient",
  "credits.monthly_budget_reached": "BudgetReached",
  "credits.run_budget_reached": "BudgetReached",
  "plan.limit_reached": "LimitReached",
};

/**
 * The names the state machines' Retry and Catch match, for the errors of steps that call the AI
 * provider or pay for it: the AI port's names (AiThrottled, AiProviderError, AiTimeout,
 * AiInvalidOutput, ...), CreditsInsufficient, BudgetReached and LimitReached. The message keeps
 * the product's code, so the recorded reason says what happened. Other errors pass unchanged.
 */
export function paidStepError(error: unknown): unknown {
  const renamed = toPipelineError(error);
  if (renamed !== error || !isVisibleError(error)) return renamed;
  const name = paymentNames[error.code];
  if (!name) return error;
  const named = new Error(`${error.code}: ${error.message}`, { cause: error });
  named.name = name;
  return named;
}
