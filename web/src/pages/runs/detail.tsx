import { A, useParams } from "@solidjs/router";
import { For, Match, Show, Switch } from "solid-js";
import { describeItemError } from "../../data/errors";
import { useExecution } from "../../data/runs";
import {
  Empty,
  ErrorMessage,
  formatDate,
  Loading,
  PageHeader,
  ProgressBar,
  StatusBadge,
} from "../../ui";
import { RunErrors } from "./errors";

/** One execution, followed live (polled every second while it runs), with every item's outcome. */
export default function Run() {
  const params = useParams();
  const execution = useExecution(() => params.executionId);
  return (
    <Switch fallback={<Loading />}>
      <Match when={execution.error}>
        <PageHeader title="Pipeline run" />
        <ErrorMessage error={execution.error} />
      </Match>
      <Match when={execution.data}>
        {(run) => (
          <>
            <PageHeader
              title={`${run().pipeline} run`}
              description={
                <>
                  Started {formatDate(run().startedAt)}
                  {run().endedAt ? `, ended ${formatDate(run().endedAt)}` : ""} · cost {run().cost}{" "}
                  credits
                </>
              }
              actions={
                <div class="row">
                  <StatusBadge status={run().status} />
                  <Show when={run().pipeline === "content-publish" && siteOf(run().input)}>
                    {(siteId) => (
                      <A
                        class="button small"
                        href={`/sites/${siteId()}/publishing/runs/${run().id}`}
                      >
                        Open with content titles
                      </A>
                    )}
                  </Show>
                </div>
              }
            />
            <section class="card stack">
              <ProgressBar
                label="Progress"
                done={run().progress.done}
                failed={run().progress.failed}
                total={run().progress.total || null}
              />
              <RunErrors execution={run()} />
            </section>
            <section class="card stack" aria-labelledby="items-title">
              <h2 id="items-title">Items</h2>
              <Show
                when={run().progress.items.length > 0}
                fallback={<Empty title="This run reports no items" />}
              >
                <div class="table-wrap">
                  <table class="table">
                    <thead>
                      <tr>
                        <th scope="col">Item</th>
                        <th scope="col">Status</th>
                        <th scope="col">Reason</th>
                        <th scope="col">Updated</th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={run().progress.items}>
                        {(item) => (
                          <tr>
                            <td>
                              <code>{item.item}</code>
                            </td>
                            <td>
                              <StatusBadge status={item.status} />
                            </td>
                            <td class="small">
                              {item.status === "failed" ? describeItemError(item.error) : ""}
                            </td>
                            <td>{formatDate(item.updatedAt)}</td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
              </Show>
            </section>
          </>
        )}
      </Match>
    </Switch>
  );
}

function siteOf(input: unknown): string | undefined {
  const siteId = (input as { siteId?: unknown } | undefined)?.siteId;
  return typeof siteId === "string" ? siteId : undefined;
}
