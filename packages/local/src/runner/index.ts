export * as Runner from "./index";

import "./polyfill";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { withActor } from "@igny8/core/actor";
import { logger } from "@igny8/core/log";
import {
  Execution,
  type PipelineDefinition,
  type PipelineRunner,
  pipelines as registered,
  readDefinition,
  type StartRequest,
} from "@igny8/core/pipelines";
import type { StateMachineDefinition } from "aws-local-stepfunctions";

// aws-local-stepfunctions pulls in AWS SDK clients; it loads on first use (or `warm()`) so the
// local cloud answers sooner.
let library: Promise<typeof import("aws-local-stepfunctions")> | undefined;
const loadLibrary = () => {
  library ??= import("aws-local-stepfunctions");
  return library;
};

/**
 * Runs the product's ASL files in-process with aws-local-stepfunctions, each Task state answered
 * by the same handler function the stacks deploy as its Lambda.
 *
 * Every Task is `arn:aws:states:::lambda:invoke` with `FunctionName: "${Key}"` (see
 * @igny8/core/pipelines). Locally `${Key}` is substituted with the key itself, and the invoke is
 * answered here the way Lambda answers it: `{ StatusCode: 200, Payload }` on success; on a thrown
 * error, a failure named by the error's `name` with Cause = `{"errorType","errorMessage","trace"}`.
 * Payloads go through JSON both ways, as they do over the wire.
 */

export type TaskHandler = (event: unknown) => Promise<unknown>;

export interface InvokeCall {
  pipeline: string;
  executionId: string;
  /** The Task state's name. */
  state: string;
  /** The substitution key (= FunctionName locally). */
  functionKey: string;
  payload: unknown;
}

export interface LocalRunnerOptions {
  /** Pipelines to run (default: the registry). */
  pipelines?: PipelineDefinition[];
  /** Loads `tasks[key].handler` ("pipeline/x/y.handler"); default: from packages/functions/src. */
  loadHandler?: (handler: string) => Promise<TaskHandler>;
  /** Milliseconds to wait before every retry instead of the ASL's backoff (tests use 0). */
  retryIntervalMs?: number;
  /**
   * Sees every invoke before the handler runs; may throw to play Lambda's own failures
   * (e.g. Lambda.TooManyRequestsException) or call `invoke()` to run the handler.
   */
  intercept?: (call: InvokeCall, invoke: () => Promise<unknown>) => Promise<unknown>;
}

export interface RunResult {
  executionId: string;
  status: "succeeded" | "failed" | "aborted";
  output?: unknown;
  error?: { name: string; message: string };
  /** Every event of the run (StateEntered, StateRetried, StateCaught, MapIteration...). */
  events: { type: string; state?: string; index?: number; error?: string }[];
}

export interface LocalRunner extends PipelineRunner {
  /** Runs one execution to its end. */
  run(request: StartRequest): Promise<RunResult>;
  /** Executions in flight. */
  active(): number;
  /** Resolves when no execution is in flight. */
  idle(): Promise<void>;
  /** Aborts every execution in flight (marking its record failed) and waits for them. */
  stop(): Promise<void>;
  /** The names of the pipelines it runs. */
  names(): string[];
  /** Loads the state machine library ahead of the first execution. */
  warm(): Promise<void>;
}

/** Where the pipeline handlers live: packages/functions/src. */
function functionsSource(): string {
  const require = createRequire(import.meta.url);
  return dirname(dirname(require.resolve("@igny8/functions/api")));
}

async function defaultLoadHandler(handler: string): Promise<TaskHandler> {
  const dot = handler.lastIndexOf(".");
  const modulePath = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  const module = (await import(
    pathToFileURL(join(functionsSource(), `${modulePath}.ts`)).href
  )) as Record<string, unknown>;
  const fn = module[exportName];
  if (typeof fn !== "function")
    throw new Error(`Handler ${handler} does not export a function "${exportName}"`);
  return fn as TaskHandler;
}

/** Substitutes `${Key}` as CDK's definitionSubstitutions does (every key must be a task). */
export function substitute(
  pipeline: PipelineDefinition,
  text: string,
  value: (key: string) => string,
): string {
  return text.replace(/\$\{([^}]+)\}/g, (_, key: string) => {
    if (!pipeline.tasks[key]) throw new Error(`Pipeline ${pipeline.name}: no task for \${${key}}`);
    return value(key);
  });
}

type StateDefinition = {
  Type: string;
  Resource?: string;
  Parameters?: { FunctionName?: string };
} & Record<string, unknown>;

/** Every Task state of a definition, including those inside Map and Parallel states. */
function taskStates(
  states: Record<string, StateDefinition>,
  found: [string, StateDefinition][] = [],
) {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === "Task") found.push([name, state]);
    const processor = (state.ItemProcessor ?? state.Iterator) as
      | { States: Record<string, StateDefinition> }
      | undefined;
    if (processor) taskStates(processor.States, found);
    for (const branch of (state.Branches as
      | { States: Record<string, StateDefinition> }[]
      | undefined) ?? []) {
      taskStates(branch.States, found);
    }
  }
  return found;
}

class LambdaFunctionError extends Error {}

export function createLocalRunner(options: LocalRunnerOptions = {}): LocalRunner {
  const list = options.pipelines ?? registered;
  const loadHandler = options.loadHandler ?? defaultLoadHandler;
  const handlers = new Map<string, Promise<TaskHandler>>();
  const inFlight = new Map<string, { abort: () => void; done: Promise<RunResult> }>();

  const handlerFor = (pipeline: PipelineDefinition, key: string) => {
    const id = `${pipeline.name}:${key}`;
    let loaded = handlers.get(id);
    if (!loaded) {
      loaded = loadHandler(pipeline.tasks[key]!.handler);
      handlers.set(id, loaded);
    }
    return loaded;
  };

  const prepared = new Map<
    string,
    { definition: StateMachineDefinition; tasks: [string, StateDefinition][] }
  >();
  const prepare = (pipeline: PipelineDefinition) => {
    let entry = prepared.get(pipeline.name);
    if (!entry) {
      const text = substitute(pipeline, readDefinition(pipeline), (key) => key);
      const definition = JSON.parse(text) as StateMachineDefinition;
      entry = {
        definition,
        tasks: taskStates(definition.States as unknown as Record<string, StateDefinition>),
      };
      prepared.set(pipeline.name, entry);
    }
    return entry;
  };

  const localHandlers = (
    pipeline: PipelineDefinition,
    executionId: string,
    tasks: [string, StateDefinition][],
  ) => {
    const overrides: Record<string, (input: unknown) => Promise<never>> = {};
    for (const [state, definition] of tasks) {
      if (definition.Resource !== "arn:aws:states:::lambda:invoke") {
        throw new Error(
          `Pipeline ${pipeline.name}: Task ${state} must use arn:aws:states:::lambda:invoke`,
        );
      }
      overrides[state] = (async (parameters: { FunctionName: string; Payload: unknown }) => {
        const functionKey = parameters.FunctionName;
        const payload = JSON.parse(JSON.stringify(parameters.Payload ?? null));
        const invoke = async () => {
          const handler = await handlerFor(pipeline, functionKey);
          try {
            return await handler(payload);
          } catch (error) {
            // Lambda reports a function error by its name, with the details as JSON in Cause.
            const failure = error instanceof Error ? error : new Error(String(error));
            const wrapped = new LambdaFunctionError(
              JSON.stringify({
                errorType: failure.name,
                errorMessage: failure.message,
                trace: failure.stack?.split("\n") ?? [],
              }),
            );
            wrapped.name = failure.name;
            throw wrapped;
          }
        };
        const call: InvokeCall = {
          pipeline: pipeline.name,
          executionId,
          state,
          functionKey,
          payload,
        };
        const result = options.intercept ? await options.intercept(call, invoke) : await invoke();
        return {
          StatusCode: 200,
          ExecutedVersion: "$LATEST",
          Payload: JSON.parse(JSON.stringify(result ?? null)),
        };
      }) as unknown as (input: unknown) => Promise<never>;
    }
    return overrides;
  };

  async function run(
    { pipeline: requested, executionId, input }: StartRequest,
    onAbortable?: (abort: () => void) => void,
  ): Promise<RunResult> {
    const pipeline = list.find((candidate) => candidate.name === requested.name);
    if (!pipeline) throw new Error(`The local runner has no pipeline "${requested.name}"`);
    const { definition, tasks } = prepare(pipeline);
    const { StateMachine } = await loadLibrary();
    const machine = new StateMachine(definition);
    const retryIntervalOverrides =
      options.retryIntervalMs === undefined
        ? undefined
        : Object.fromEntries(tasks.map(([state]) => [state, options.retryIntervalMs!]));
    const execution = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: localHandlers(pipeline, executionId, tasks) as never,
        retryIntervalOverrides,
      },
      context: {
        Execution: {
          Id: `arn:aws:states:local:000000000000:execution:${pipeline.name}:${executionId}`,
          Name: executionId,
        },
      },
    });
    onAbortable?.(execution.abort);
    const events: RunResult["events"] = [];
    const collecting = (async () => {
      for await (const event of execution.eventLogs) {
        const record = event as {
          type: string;
          state?: { name: string };
          index?: number;
          Error?: string;
        };
        events.push({
          type: record.type,
          state: record.state?.name,
          index: record.index,
          error: record.Error,
        });
      }
    })();
    let result: RunResult;
    try {
      const output = await execution.result;
      result = { executionId, status: "succeeded", output, events };
    } catch (error) {
      // ExecutionError carries the state's error (a Fail state's Error, an uncaught task error).
      const thrown = error instanceof Error ? error : new Error(String(error));
      const failure =
        thrown.name === "ExecutionError" && thrown.cause instanceof Error ? thrown.cause : thrown;
      const aborted = thrown.name === "ExecutionAbortedError";
      result = {
        executionId,
        status: aborted ? "aborted" : "failed",
        error: { name: failure.name, message: failure.message },
        events,
      };
      // The pipeline's own failure path records why; this covers what ASL cannot catch
      // (States.Runtime, an abort on shutdown). finish() leaves an ended execution as it is.
      await withActor({ type: "system", properties: { accountId: input.accountId } }, () =>
        Execution.finish(executionId, "failed", {
          error: aborted
            ? "The local cloud stopped while this execution ran"
            : `${failure.name}: ${failure.message}`,
        }),
      ).catch((recordError) =>
        logger.error({ err: recordError, executionId }, "could not record the failure"),
      );
    }
    await Promise.race([collecting, new Promise((resolve) => setTimeout(resolve, 100))]);
    return result;
  }

  return {
    run: (request) => run(request),
    async start(request) {
      if (inFlight.has(request.executionId)) return;
      const entry = { abort: () => {}, done: Promise.resolve(undefined as unknown as RunResult) };
      entry.done = run(request, (abort) => {
        entry.abort = abort;
      });
      inFlight.set(request.executionId, entry);
      entry.done
        .then((result) => {
          if (result.status !== "succeeded") {
            logger.warn(
              {
                executionId: request.executionId,
                pipeline: request.pipeline.name,
                error: result.error,
              },
              "pipeline failed",
            );
          }
        })
        .catch((error) =>
          logger.error({ err: error, executionId: request.executionId }, "pipeline crashed"),
        )
        .finally(() => inFlight.delete(request.executionId));
    },
    active: () => inFlight.size,
    async idle() {
      while (inFlight.size > 0)
        await Promise.allSettled([...inFlight.values()].map((entry) => entry.done));
    },
    async stop() {
      for (const entry of inFlight.values()) entry.abort();
      await Promise.allSettled([...inFlight.values()].map((entry) => entry.done));
    },
    names: () => list.map((pipeline) => pipeline.name),
    warm: async () => {
      await loadLibrary();
    },
  };
}
