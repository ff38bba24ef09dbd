import { aiErrors, retryableErrorNames } from "@igny8/core/ai";
import { Pipelines } from "@igny8/core/pipelines";
import { describe, expect, it } from "vitest";

type State = {
  Type: string;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  ItemProcessor?: { States: Record<string, State> };
  MaxConcurrencyPath?: string;
  Parameters?: { FunctionName?: string };
};

function states(all: Record<string, State>, found: [string, State][] = []) {
  for (const [name, state] of Object.entries(all)) {
    found.push([name, state]);
    if (state.ItemProcessor) states(state.ItemProcessor.States, found);
  }
  return found;
}

const definition = JSON.parse(Pipelines.readDefinition(Pipelines.find("content-generation"))) as { States: Record<string, State> };
const all = states(definition.States);
const aiSteps = ["GenerateContent", "GenerateImagePrompts", "GenerateImage"];

describe("content-generation.asl.json", () => {
  it("retries every retryable AI error the AI port names, and none of the others", () => {
    const nonRetryable = Object.values(aiErrors)
      .filter((entry) => !entry.retryable)
      .map((entry) => entry.name);
    for (const name of aiSteps) {
      const state = all.find(([n]) => n === name)![1];
      const firstMatch = (error: string) => state.Retry!.find((r) => r.ErrorEquals.includes(error));
      for (const error of retryableErrorNames) expect(firstMatch(error)?.MaxAttempts, `${name} ${error}`).toBeGreaterThan(0);
      for (const error of [...nonRetryable, "CreditsInsufficient", "BudgetReached", "LimitReached", "TaskNotClaimed"]) {
        expect(firstMatch(error)?.MaxAttempts, `${name} ${error}`).toBe(0);
      }
      // A Retry on States.TaskFailed must come after the named ones (the first match wins).
      const generic = state.Retry!.findIndex((r) => r.ErrorEquals.includes("States.TaskFailed"));
      expect(generic).toBe(state.Retry!.length - 1);
    }
  });

  it("catches a task's failure inside its iteration and takes concurrency from the input", () => {
    const map = definition.States.GenerateTasks!;
    expect(map).toMatchObject({ Type: "Map", MaxConcurrencyPath: "$.maxConcurrency" });
    for (const name of ["GenerateContent", "GenerateImagePrompts", "GenerateImages", "FinishTask"]) {
      const state = map.ItemProcessor!.States[name]!;
      expect(state.Catch, name).toEqual([{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "TaskFailed" }]);
    }
    expect(definition.States.GenerateTasks!.Catch![0]!.Next).toBe("RunFailed");
    // Every Task state names a registered handler.
    const tasks = Pipelines.find("content-generation").tasks;
    for (const [, state] of all.filter(([, s]) => s.Type === "Task")) {
      const key = /^\$\{(\w+)\}$/.exec(state.Parameters!.FunctionName!)![1]!;
      expect(tasks[key], key).toBeDefined();
    }
  });
});
