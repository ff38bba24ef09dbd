import { A, useNavigate, useParams } from "@solidjs/router";
import { createEffect, createSignal, For, Match, Show, Switch } from "solid-js";
import { deleteCluster, generateIdeas, lockCluster, renameCluster, useCluster, useIdeas } from "../../data/planner";
import { invalidate } from "../../data/query";
import type { ClusterDetail as Detail, Keyword } from "../../data/types";
import { Badge, Button, ErrorMessage, formatNumber, Loading, PageHeader, StatusBadge, TextField, toast, toastError } from "../../ui";

/** One cluster: hub, volume, intent, its page groups with their keywords, and its ideas. */
export default function ClusterDetail() {
  const params = useParams();
  const siteId = () => params.siteId!;
  const clusterId = () => params.clusterId!;
  const cluster = useCluster(siteId, clusterId);
  return (
    <Switch fallback={<Loading />}>
      <Match when={cluster.error}>
        <PageHeader title="Cluster" />
        <ErrorMessage error={cluster.error} />
      </Match>
      <Match when={cluster.data}>{(data) => <ClusterView siteId={siteId()} cluster={data()} />}</Match>
    </Switch>
  );
}

function ClusterView(props: { siteId: string; cluster: Detail }) {
  const navigate = useNavigate();
  const c = () => props.cluster;
  const [name, setName] = createSignal("");
  const [count, setCount] = createSignal(3);
  const [busy, setBusy] = createSignal(false);
  const ideas = useIdeas(() => props.siteId, () => ({ clusterId: c().clusterId }));
  createEffect(() => setName(c().name));
  const keywordsById = () => new Map<string, Keyword>(c().keywords.map((k) => [k.keywordId, k]));
  const grouped = () => new Set(c().pageGroups.flatMap((g) => g.keywordIds));
  const loose = () => c().keywords.filter((k) => !grouped().has(k.keywordId));

  const refresh = () => Promise.all([invalidate("sites", props.siteId, "clusters"), invalidate("sites", props.siteId, "ideas")]);

  return (
    <>
      <PageHeader
        title={c().name}
        description={
          <>
            Hub keyword <strong>{c().hubKeyword ?? "–"}</strong> · {formatNumber(c().totalVolume)} searches a month · {c().dominantIntent ?? "mixed"} intent
            {c().locked ? " · locked" : ""}
          </>
        }
        actions={
          <>
            <Button
              onClick={async () => {
                try {
                  await lockCluster(props.siteId, c().clusterId, !c().locked);
                  await refresh();
                } catch (error) {
                  toastError(error);
                }
              }}
            >
              {c().locked ? "Unlock" : "Lock"}
            </Button>
            <Button
              kind="danger"
              onClick={async () => {
                if (!confirm(`Delete the cluster ${c().name}? Its keywords stay, unclustered.`)) return;
                try {
                  await deleteCluster(props.siteId, c().clusterId);
                  await refresh();
                  navigate(`/sites/${props.siteId}/clusters`);
                } catch (error) {
                  toastError(error);
                }
              }}
            >
              Delete
            </Button>
          </>
        }
      />
      <p class="muted small">Locked clusters keep their keywords when clustering runs again.</p>
      <form
        class="row card"
        style={{ "align-items": "flex-end" }}
        onSubmit={async (event) => {
          event.preventDefault();
          try {
            await renameCluster(props.siteId, c().clusterId, name().trim());
            await refresh();
            toast("Renamed");
          } catch (error) {
            toastError(error);
          }
        }}
      >
        <div style={{ flex: 1 }}>
          <TextField label="Name" name="name" value={name()} onInput={setName} />
        </div>
        <Button type="submit" disabled={name().trim() === c().name || !name().trim()}>
          Rename
        </Button>
      </form>
      <section class="card stack" aria-labelledby="groups-title">
        <h2 id="groups-title">Page groups ({c().pageGroups.length})</h2>
        <p class="muted small">Each page group is one page to write: its hub keyword and the keywords the page should cover.</p>
        <div class="grid">
          <For each={c().pageGroups}>
            {(group) => (
              <article class="card" style={{ "box-shadow": "none" }}>
                <h3>{group.name}</h3>
                <p class="small muted">
                  Hub {group.hubKeyword ?? "–"} · {formatNumber(group.totalVolume)} volume · {group.dominantIntent ?? "mixed"}
                </p>
                <ul class="small" style={{ "padding-left": "1rem", margin: 0 }}>
                  <For each={group.keywordIds.slice(0, 12)}>
                    {(id) => (
                      <li>
                        {keywordsById().get(id)?.keyword ?? id} <span class="muted">{formatNumber(keywordsById().get(id)?.volume)}</span>
                      </li>
                    )}
                  </For>
                  <Show when={group.keywordIds.length > 12}>
                    <li class="muted">and {group.keywordIds.length - 12} more</li>
                  </Show>
                </ul>
              </article>
            )}
          </For>
        </div>
        <Show when={loose().length > 0}>
          <p class="small">
            In no page group: {loose().map((k) => k.keyword).join(", ")}
          </p>
        </Show>
      </section>
      <section class="card stack" aria-labelledby="ideas-title">
        <h2 id="ideas-title">Ideas</h2>
        <div class="row" style={{ "align-items": "flex-end" }}>
          <div class="field" style={{ width: "8rem" }}>
            <label for="idea-count">How many</label>
            <input id="idea-count" type="number" min="1" max="10" value={count()} onInput={(e) => setCount(Number(e.currentTarget.value) || 1)} />
          </div>
          <Button
            kind="primary"
            busy={busy()}
            onClick={async () => {
              setBusy(true);
              try {
                await generateIdeas(props.siteId, c().clusterId, Math.min(10, Math.max(1, count())));
                await invalidate("sites", props.siteId, "ideas");
                toast("Ideas generated");
              } catch (error) {
                toastError(error);
              } finally {
                setBusy(false);
              }
            }}
          >
            Generate ideas
          </Button>
          <A href={`/sites/${props.siteId}/ideas`}>All ideas</A>
        </div>
        <ErrorMessage error={ideas.error} />
        <ul class="stack" style={{ "list-style": "none", padding: 0 }}>
          <For each={ideas.data}>
            {(idea) => (
              <li class="row">
                <StatusBadge status={idea.status} /> <Badge>{idea.contentType}</Badge> {idea.title}
              </li>
            )}
          </For>
        </ul>
      </section>
    </>
  );
}
