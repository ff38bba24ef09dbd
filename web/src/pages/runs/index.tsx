import { A, useSearchParams } from "@solidjs/router";
import { For, Show } from "solid-js";
import { pipelines, useExecutions } from "../../data/runs";
import type { Pipeline } from "../../data/types";
import { Empty, ErrorMessage, formatDate, formatNumber, Loading, PageHeader, StatusBadge } from "../../ui";

/** Pipeline executions of the account, per pipeline, newest first (refreshing while any runs). */
export default function Runs() {
  const [search, setSearch] = useSearchParams();
  const pipeline = () => (pipelines.find((p) => p.name === search.pipeline)?.name ?? "keyword-import") as Pipeline;
  const executions = useExecutions(pipeline);
  return (
    <>
      <PageHeader title="Pipeline runs" description="Imports, clustering, content and publishing runs with their progress and errors." />
      <div class="tabs" role="tablist" aria-label="Pipelines">
        <For each={pipelines}>
          {(p) => (
            <button type="button" role="tab" aria-selected={pipeline() === p.name} onClick={() => setSearch({ pipeline: p.name })}>
              {p.label}
            </button>
          )}
        </For>
      </div>
      <ErrorMessage error={executions.error} />
      <Show when={executions.data} fallback={<Loading />}>
        <Show when={executions.data!.items.length > 0} fallback={<Empty title="No runs of this pipeline yet" />}>
          <div class="table-wrap" role="tabpanel">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">
                    Items
                  </th>
                  <th scope="col">Started</th>
                  <th scope="col">Ended</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                <For each={executions.data!.items}>
                  {(run) => (
                    <tr>
                      <td>
                        <A href={`/runs/${run.id}`}>
                          <code>{run.id.slice(-10)}</code>
                        </A>
                      </td>
                      <td>
                        <StatusBadge status={run.status} />
                      </td>
                      <td class="num">{formatNumber(run.total)}</td>
                      <td>{formatDate(run.startedAt)}</td>
                      <td>{formatDate(run.endedAt)}</td>
                      <td class="small">{run.error ?? ""}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </Show>
      </Show>
    </>
  );
}
