import { A, useNavigate, useParams } from "@solidjs/router";
import { createEffect, createSignal, For, Show } from "solid-js";
import { publishMany, useConnections } from "../../data/publisher";
import { useTasks } from "../../data/writer";
import {
  Button,
  Empty,
  ErrorMessage,
  Loading,
  PageHeader,
  SelectField,
  StatusBadge,
  TextField,
} from "../../ui";

/**
 * Publishing many items at once: pick content, a WordPress connection and how (now, as drafts,
 * or scheduled), then follow the run (the content-publish pipeline) item by item.
 */
export default function PublishMany() {
  const params = useParams();
  const navigate = useNavigate();
  const siteId = () => params.siteId!;
  const tasks = useTasks(siteId);
  const connections = useConnections(siteId);
  const ready = () =>
    (tasks.data ?? []).filter(
      (t) =>
        t.contentId &&
        (t.status === "review" || t.status === "approved" || t.status === "published"),
    );
  const [chosen, setChosen] = createSignal<Set<string>>(new Set());
  const [connectionId, setConnectionId] = createSignal("");
  const [mode, setMode] = createSignal<"publish" | "draft" | "future">("publish");
  const [when, setWhen] = createSignal("");
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  createEffect(() => {
    if (!connectionId() && connections.data?.[0]) setConnectionId(connections.data[0].connectionId);
  });
  const toggle = (contentId: string, on: boolean) =>
    setChosen((current) => {
      const next = new Set(current);
      if (on) next.add(contentId);
      else next.delete(contentId);
      return next;
    });

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const scheduledAt = mode() === "future" ? new Date(when()).toISOString() : undefined;
      const started = await publishMany(
        siteId(),
        [...chosen()].map((contentId) => ({
          contentId,
          connectionId: connectionId(),
          status: mode(),
          ...(scheduledAt ? { scheduledAt } : {}),
        })),
      );
      navigate(`/sites/${siteId()}/publishing/runs/${started.executionId}`);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader
        title="Publish many"
        description="Publish, draft or schedule many items in one run. Each item is published once; one that fails keeps its reason and the others go on."
        actions={
          <A class="button" href="/runs?pipeline=content-publish">
            All publishing runs
          </A>
        }
      />
      <ErrorMessage error={tasks.error ?? connections.error} />
      <Show when={tasks.data && connections.data} fallback={<Loading />}>
        <Show
          when={connections.data!.length > 0}
          fallback={
            <Empty title="No WordPress connection">
              <p>
                <A href={`/sites/${siteId()}/connections`}>Connect a WordPress site</A> to publish.
              </p>
            </Empty>
          }
        >
          <Show
            when={ready().length > 0}
            fallback={
              <Empty title="Nothing ready to publish">
                <p>
                  Generate content from the <A href={`/sites/${siteId()}/tasks`}>tasks board</A>{" "}
                  first.
                </p>
              </Empty>
            }
          >
            <form class="stack" onSubmit={submit} novalidate>
              <ErrorMessage error={error()} />
              <fieldset class="card">
                <legend>Content ({chosen().size} chosen)</legend>
                <div class="row" style={{ "margin-bottom": "0.5rem" }}>
                  <Button
                    size="small"
                    onClick={() => setChosen(new Set(ready().map((t) => t.contentId!)))}
                  >
                    Choose all
                  </Button>
                  <Button size="small" kind="ghost" onClick={() => setChosen(new Set<string>())}>
                    Clear
                  </Button>
                </div>
                <ul class="plain-list">
                  <For each={ready()}>
                    {(task) => (
                      <li>
                        <label class="row">
                          <input
                            type="checkbox"
                            checked={chosen().has(task.contentId!)}
                            onChange={(e) => toggle(task.contentId!, e.currentTarget.checked)}
                          />
                          <span>{task.title}</span> <StatusBadge status={task.status} />
                        </label>
                      </li>
                    )}
                  </For>
                </ul>
              </fieldset>
              <div class="grid card">
                <SelectField
                  label="Connection"
                  name="connectionId"
                  value={connectionId()}
                  onChange={setConnectionId}
                  options={(connections.data ?? []).map((c) => ({
                    value: c.connectionId,
                    label: `${c.name} (${c.url})`,
                  }))}
                  error={error()}
                />
                <SelectField
                  label="How"
                  name="status"
                  value={mode()}
                  onChange={setMode}
                  options={[
                    { value: "publish", label: "Publish now" },
                    { value: "draft", label: "Send as drafts" },
                    { value: "future", label: "Schedule" },
                  ]}
                  error={error()}
                />
                <Show when={mode() === "future"}>
                  <TextField
                    label="Publish at"
                    name="scheduledAt"
                    type="datetime-local"
                    value={when()}
                    onInput={setWhen}
                    error={error()}
                  />
                </Show>
              </div>
              <div>
                <Button
                  type="submit"
                  kind="primary"
                  busy={busy()}
                  disabled={
                    chosen().size === 0 || !connectionId() || (mode() === "future" && !when())
                  }
                >
                  Start publishing {chosen().size || ""}
                </Button>
              </div>
            </form>
          </Show>
        </Show>
      </Show>
    </>
  );
}
