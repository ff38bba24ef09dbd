import { A, useParams } from "@solidjs/router";
import { createEffect, For, Match, on, Show, Switch } from "solid-js";
import { describeItemError } from "../../data/errors";
import { useConnections, useRecords } from "../../data/publisher";
import { invalidate } from "../../data/query";
import { useExecution } from "../../data/runs";
import { useTasks } from "../../data/writer";
import {
  Empty,
  ErrorMessage,
  formatDate,
  Loading,
  PageHeader,
  ProgressBar,
  StatusBadge,
} from "../../ui";

/**
 * One publishing run, followed live: its progress, and every item (content → connection) with
 * its status, the post it made on WordPress, or the reason it failed.
 */
export default function PublishingRun() {
  const params = useParams();
  const siteId = () => params.siteId!;
  const execution = useExecution(() => params.executionId);
  const tasks = useTasks(siteId);
  const connections = useConnections(siteId);
  const records = useRecords(siteId);
  // Items that finish change the records and the tasks (published): read them again as they do.
  createEffect(
    on(
      () => (execution.data ? execution.data.progress.done + execution.data.progress.failed : 0),
      (finished, before) => {
        if (before !== undefined && finished !== before) {
          void invalidate("sites", siteId(), "publishing");
          void invalidate("sites", siteId(), "tasks");
        }
      },
    ),
  );

  const title = (contentId: string) =>
    tasks.data?.find((t) => t.contentId === contentId)?.title ?? `Content ${contentId.slice(-8)}`;
  const taskLink = (contentId: string) => {
    const task = tasks.data?.find((t) => t.contentId === contentId);
    return task ? `/sites/${siteId()}/tasks/${task.taskId}?tab=publish` : undefined;
  };
  const connectionName = (connectionId: string) =>
    connections.data?.find((c) => c.connectionId === connectionId)?.name ?? connectionId;
  const record = (contentId: string, connectionId: string) =>
    records.data?.find((r) => r.contentId === contentId && r.connectionId === connectionId);
  const parse = (item: string) => {
    const [contentId = item, connectionId = ""] = item.split("@");
    return { contentId, connectionId };
  };
  const failures = () =>
    execution.data?.progress.items.filter((item) => item.status === "failed") ?? [];

  return (
    <Switch fallback={<Loading />}>
      <Match when={execution.error}>
        <PageHeader title="Publishing run" />
        <ErrorMessage error={execution.error} />
      </Match>
      <Match when={execution.data && execution.data.pipeline !== "content-publish"}>
        <PageHeader title="Publishing run" />
        <Empty title="This is not a publishing run">
          <p>
            <A href={`/runs/${params.executionId}`}>Open it with the pipeline runs</A>.
          </p>
        </Empty>
      </Match>
      <Match when={execution.data}>
        {(run) => (
          <>
            <PageHeader
              title="Publishing run"
              description={
                <>
                  Started {formatDate(run().startedAt)}
                  {run().endedAt ? `, ended ${formatDate(run().endedAt)}` : ""}
                </>
              }
              actions={
                <div class="row">
                  <StatusBadge status={run().status} />
                  <A class="button small" href={`/sites/${siteId()}/publishing/runs`}>
                    Publish more
                  </A>
                </div>
              }
            />
            <section
              class="card stack"
              data-testid="publishing-run"
              aria-label="Progress of the run"
            >
              <ProgressBar
                label="Publishing"
                done={run().progress.done}
                failed={run().progress.failed}
                total={run().progress.total || null}
              />
              <Show when={run().status === "failed" && run().error}>
                <div class="alert error" role="alert">
                  The run failed: {run().error}
                </div>
              </Show>
              <Show when={failures().length > 0}>
                <div class="alert error" role="alert" data-testid="publishing-run-failures">
                  <strong>
                    {failures().length} of {run().progress.total || run().progress.items.length}{" "}
                    items failed
                  </strong>
                  <ul style={{ margin: "0.25rem 0 0", "padding-left": "1.25rem" }}>
                    <For each={failures()}>
                      {(item) => (
                        <li>
                          {title(parse(item.item).contentId)}: {describeItemError(item.error)}
                        </li>
                      )}
                    </For>
                  </ul>
                </div>
              </Show>
            </section>
            <section class="card stack" aria-labelledby="run-items-title">
              <h2 id="run-items-title">Items</h2>
              <Show
                when={run().progress.items.length > 0}
                fallback={<Loading label="Waiting for the first item…" />}
              >
                <div class="table-wrap">
                  <table class="table" aria-labelledby="run-items-title">
                    <thead>
                      <tr>
                        <th scope="col">Content</th>
                        <th scope="col">To</th>
                        <th scope="col">Status</th>
                        <th scope="col">Post or reason</th>
                        <th scope="col">Updated</th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={run().progress.items}>
                        {(item) => {
                          const parts = () => parse(item.item);
                          const found = () => record(parts().contentId, parts().connectionId);
                          return (
                            <tr data-testid="publishing-run-item">
                              <td>
                                <Show
                                  when={taskLink(parts().contentId)}
                                  fallback={title(parts().contentId)}
                                >
                                  {(href) => <A href={href()}>{title(parts().contentId)}</A>}
                                </Show>
                              </td>
                              <td>{connectionName(parts().connectionId)}</td>
                              <td>
                                <StatusBadge
                                  status={
                                    item.status === "succeeded"
                                      ? (found()?.status ?? item.status)
                                      : item.status
                                  }
                                />
                              </td>
                              <td class="small">
                                <Switch>
                                  <Match when={item.status === "failed"}>
                                    {describeItemError(item.error)}
                                  </Match>
                                  <Match when={found()?.remote?.link}>
                                    {(link) => (
                                      <a href={link()} target="_blank" rel="noreferrer">
                                        {found()?.remote?.slug ?? link()}
                                      </a>
                                    )}
                                  </Match>
                                </Switch>
                              </td>
                              <td>{formatDate(item.updatedAt)}</td>
                            </tr>
                          );
                        }}
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
