import { A, useParams } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import {
  deletePost,
  resyncRecord,
  unpublish,
  useConnections,
  useRecords,
} from "../../data/publisher";
import { invalidate } from "../../data/query";
import type { PublishingRecord } from "../../data/types";
import {
  Button,
  Empty,
  ErrorMessage,
  formatDate,
  Loading,
  PageHeader,
  StatusBadge,
  toast,
  toastError,
} from "../../ui";

/** Every publishing record of the site: where each item went, its status and its history. */
export default function Publishing() {
  const params = useParams();
  const siteId = () => params.siteId!;
  const records = useRecords(siteId);
  const connections = useConnections(siteId);
  const connectionName = (id: string) =>
    connections.data?.find((c) => c.connectionId === id)?.name ?? id;
  return (
    <>
      <PageHeader
        title="Publishing history"
        description="What went to WordPress, when, and what happened to it since."
        actions={
          <A class="button" href={`/sites/${siteId()}/publishing/runs`}>
            Publish many
          </A>
        }
      />
      <ErrorMessage error={records.error} />
      <Show when={records.data} fallback={<Loading />}>
        <Show
          when={records.data!.length > 0}
          fallback={
            <Empty title="Nothing published yet">
              <p>Publish content from a task's page.</p>
            </Empty>
          }
        >
          <div class="stack">
            <For each={records.data}>
              {(record) => (
                <RecordCard
                  siteId={siteId()}
                  record={record}
                  connectionName={connectionName(record.connectionId)}
                />
              )}
            </For>
          </div>
        </Show>
      </Show>
    </>
  );
}

export function RecordCard(props: {
  siteId: string;
  record: PublishingRecord;
  connectionName: string;
}) {
  const r = () => props.record;
  const [busy, setBusy] = createSignal(false);
  const act = async (action: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await action();
      await invalidate("sites", props.siteId, "publishing");
      toast(done);
    } catch (error) {
      toastError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <article class="card stack" style={{ gap: "0.4rem" }} data-testid="publishing-record">
      <div class="row">
        <strong style={{ flex: 1 }}>
          <Show when={r().remote?.link} fallback={r().remote?.slug ?? r().contentId}>
            <a href={r().remote!.link!} target="_blank" rel="noreferrer">
              {r().remote?.slug ?? r().remote!.link}
            </a>
          </Show>
        </strong>
        <StatusBadge status={r().status} />
      </div>
      <p class="small muted" style={{ margin: 0 }}>
        To {props.connectionName} as {r().postType} · version {r().version} ·{" "}
        {r().publishedAt
          ? `published ${formatDate(r().publishedAt)}`
          : `updated ${formatDate(r().updatedAt)}`}
        {r().requestedStatus === "future" ? " · scheduled" : ""}
      </p>
      <Show when={r().lastError}>
        {(failure) => (
          <div class="alert error" role="alert">
            {failure().message} <span class="request-id">{failure().code}</span>
          </div>
        )}
      </Show>
      <details>
        <summary>History ({r().history.length})</summary>
        <ol class="small">
          <For each={r().history}>
            {(entry) => (
              <li>
                {formatDate(entry.at)}: {entry.event.replaceAll("_", " ")}
              </li>
            )}
          </For>
        </ol>
      </details>
      <div class="row">
        <Show when={r().status === "published" || r().status === "scheduled"}>
          <Button
            size="small"
            busy={busy()}
            onClick={() => act(() => unpublish(props.siteId, r().recordId), "Unpublished")}
          >
            Unpublish
          </Button>
        </Show>
        <Button
          size="small"
          disabled={busy()}
          onClick={() =>
            act(() => resyncRecord(props.siteId, r().recordId), "Checked against WordPress")
          }
        >
          Check WordPress
        </Button>
        <Show when={r().remote && r().status !== "deleted" && r().status !== "gone"}>
          <Button
            size="small"
            kind="danger"
            disabled={busy()}
            onClick={() =>
              confirm("Move the WordPress post to the trash?") &&
              act(() => deletePost(props.siteId, r().recordId), "Moved to trash")
            }
          >
            Trash on WordPress
          </Button>
        </Show>
      </div>
    </article>
  );
}
