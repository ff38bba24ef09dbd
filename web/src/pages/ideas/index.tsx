import { A, useParams } from "@solidjs/router";
import { createMemo, createSignal, For, Show } from "solid-js";
import { deleteIdea, type IdeaQuery, ideasToTasks, regenerateIdea, useIdeas } from "../../data/planner";
import { invalidate } from "../../data/query";
import { selectedSector } from "../../data/sites";
import { Badge, Button, Empty, ErrorMessage, formatNumber, Loading, PageHeader, StatusBadge, toast, toastError } from "../../ui";

type Status = NonNullable<IdeaQuery["status"]>;

/** Content ideas of the site: outline, target keywords; select ideas and make them tasks. */
export default function Ideas() {
  const params = useParams();
  const siteId = () => params.siteId!;
  const sectorId = () => selectedSector(siteId());
  const [status, setStatus] = createSignal<Status | "">("");
  const query = createMemo(() => ({ ...(sectorId() ? { sectorId: sectorId() } : {}), ...(status() ? { status: status() as Status } : {}) }));
  const ideas = useIdeas(siteId, query);
  const [selected, setSelected] = createSignal<Set<string>>(new Set());
  const [busy, setBusy] = createSignal(false);
  const open = () => (ideas.data ?? []).filter((i) => i.status !== "tasked" && i.status !== "rejected");

  const toTasks = async (ids: string[]) => {
    setBusy(true);
    try {
      const result = await ideasToTasks(siteId(), ids);
      toast(`${result.tasks.filter((t) => t.created).length} tasks created`);
      setSelected(new Set<string>());
      await Promise.all([invalidate("sites", siteId(), "ideas"), invalidate("sites", siteId(), "tasks")]);
    } catch (error) {
      toastError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader
        title="Ideas"
        description="Article ideas generated from your clusters. Turn the good ones into writing tasks."
        actions={
          <Button kind="primary" busy={busy()} disabled={selected().size === 0} onClick={() => toTasks([...selected()])}>
            Make {selected().size || ""} tasks
          </Button>
        }
      />
      <div class="row" style={{ "margin-bottom": "0.75rem" }}>
        <label class="visually-hidden" for="idea-status">
          Status
        </label>
        <select id="idea-status" style={{ width: "auto" }} value={status()} onChange={(e) => setStatus(e.currentTarget.value as Status | "")}>
          <option value="">Any status</option>
          <option value="new">New</option>
          <option value="approved">Approved</option>
          <option value="tasked">Tasked</option>
          <option value="rejected">Rejected</option>
        </select>
        <label class="row small">
          <input
            type="checkbox"
            checked={open().length > 0 && open().every((i) => selected().has(i.ideaId))}
            onChange={(e) => setSelected(new Set(e.currentTarget.checked ? open().map((i) => i.ideaId) : []))}
          />
          Select every open idea
        </label>
      </div>
      <ErrorMessage error={ideas.error} />
      <Show when={ideas.data} fallback={<Loading />}>
        <Show
          when={ideas.data!.length > 0}
          fallback={
            <Empty title="No ideas yet">
              <p>
                Open a <A href={`/sites/${siteId()}/clusters`}>cluster</A> and generate ideas for it.
              </p>
            </Empty>
          }
        >
          <div class="stack">
            <For each={ideas.data}>
              {(idea) => (
                <article class="card stack" style={{ gap: "0.4rem" }} aria-labelledby={`idea-${idea.ideaId}`}>
                  <div class="row">
                    <Show when={idea.status !== "tasked"}>
                      <input
                        type="checkbox"
                        aria-label={`Select ${idea.title}`}
                        checked={selected().has(idea.ideaId)}
                        onChange={() =>
                          setSelected((current) => {
                            const next = new Set(current);
                            if (next.has(idea.ideaId)) next.delete(idea.ideaId);
                            else next.add(idea.ideaId);
                            return next;
                          })
                        }
                      />
                    </Show>
                    <h2 id={`idea-${idea.ideaId}`} style={{ margin: 0, flex: 1 }}>
                      {idea.title}
                    </h2>
                    <StatusBadge status={idea.status} />
                    <Badge>{idea.contentType}</Badge>
                    <Show when={idea.offline}>
                      <Badge tone="warn">offline draft</Badge>
                    </Show>
                  </div>
                  <p class="muted small" style={{ margin: 0 }}>
                    {idea.angle} · cluster <A href={`/sites/${siteId()}/clusters/${idea.clusterId}`}>{idea.clusterName}</A> · ~
                    {formatNumber(idea.estimatedWords)} words · primary keyword <strong>{idea.primaryKeyword}</strong>
                  </p>
                  <details>
                    <summary>Outline ({idea.outline.length} sections)</summary>
                    <ol>
                      <For each={idea.outline}>
                        {(section) => (
                          <li>
                            {section.heading}
                            <Show when={section.subheadings.length}>
                              <ul>
                                <For each={section.subheadings}>{(sub) => <li>{sub}</li>}</For>
                              </ul>
                            </Show>
                          </li>
                        )}
                      </For>
                    </ol>
                    <p class="small">Target keywords: {idea.targetKeywords.join(", ")}</p>
                  </details>
                  <div class="row">
                    <Show
                      when={idea.status !== "tasked"}
                      fallback={
                        <A class="button small" href={`/sites/${siteId()}/tasks/${idea.taskId}`}>
                          Open task
                        </A>
                      }
                    >
                      <Button size="small" kind="primary" disabled={busy()} onClick={() => toTasks([idea.ideaId])}>
                        Make task
                      </Button>
                      <Button
                        size="small"
                        onClick={async () => {
                          try {
                            await regenerateIdea(siteId(), idea.ideaId);
                            await invalidate("sites", siteId(), "ideas");
                          } catch (error) {
                            toastError(error);
                          }
                        }}
                      >
                        Regenerate
                      </Button>
                      <Button
                        size="small"
                        kind="ghost"
                        onClick={async () => {
                          try {
                            await deleteIdea(siteId(), idea.ideaId);
                            await invalidate("sites", siteId(), "ideas");
                          } catch (error) {
                            toastError(error);
                          }
                        }}
                      >
                        Delete
                      </Button>
                    </Show>
                  </div>
                </article>
              )}
            </For>
          </div>
        </Show>
      </Show>
    </>
  );
}
