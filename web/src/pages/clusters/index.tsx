import { A, useParams } from "@solidjs/router";
import { createMemo, createSignal, Show } from "solid-js";
import { type ClusterQuery, startClustering, useClusters } from "../../data/planner";
import { invalidate } from "../../data/query";
import { useExecution } from "../../data/runs";
import { selectedSector } from "../../data/sites";
import type { Cluster, ClusteringOptions } from "../../data/types";
import {
  Badge,
  Button,
  type Column,
  Empty,
  ErrorMessage,
  formatNumber,
  Loading,
  PageHeader,
  ProgressBar,
  SelectField,
  StatusBadge,
  VirtualTable,
} from "../../ui";
import { RunErrors } from "../runs/errors";

type Sort = NonNullable<ClusterQuery["sort"]>;

/** Clusters of the site, and the clustering run with its progress. */
export default function Clusters() {
  const params = useParams();
  const siteId = () => params.siteId!;
  const sectorId = () => selectedSector(siteId());
  const [q, setQ] = createSignal("");
  const [sort, setSort] = createSignal<Sort>("-volume");
  const query = createMemo(() => ({ sort: sort(), ...(sectorId() ? { sectorId: sectorId() } : {}), ...(q().trim() ? { q: q().trim() } : {}) }));
  const clusters = useClusters(siteId, query);
  const rows = createMemo(() => clusters.data?.pages.flatMap((p) => p.items) ?? []);
  const [runId, setRunId] = createSignal<string>();

  const columns: Column<Cluster>[] = [
    {
      id: "name",
      label: "Cluster",
      width: "minmax(200px, 2fr)",
      sortable: true,
      render: (c) => <A href={`/sites/${siteId()}/clusters/${c.clusterId}`}>{c.name}</A>,
    },
    { id: "hub", label: "Hub keyword", width: "minmax(160px, 2fr)", render: (c) => c.hubKeyword ?? "–" },
    { id: "volume", label: "Volume", width: "110px", numeric: true, sortable: true, render: (c) => formatNumber(c.totalVolume) },
    { id: "keywords", label: "Keywords", width: "110px", numeric: true, render: (c) => formatNumber(c.keywordCount) },
    { id: "groups", label: "Page groups", width: "130px", numeric: true, render: (c) => formatNumber(c.pageGroupCount) },
    { id: "kd", label: "Avg KD", width: "80px", numeric: true, render: (c) => (c.meanDifficulty === null ? "–" : c.meanDifficulty.toFixed(0)) },
    { id: "intent", label: "Intent", width: "120px", render: (c) => c.dominantIntent ?? "–" },
    { id: "locked", label: "", width: "80px", render: (c) => (c.locked ? <Badge>locked</Badge> : "") },
  ];

  return (
    <>
      <PageHeader title="Clusters" description="Topics built from your keywords: a hub keyword, its page groups and their volume." />
      <RunPanel siteId={siteId()} sectorId={sectorId()} runId={runId()} onStarted={setRunId} />
      <div class="card stack" style={{ padding: "0.75rem" }}>
        <search class="row">
          <label class="visually-hidden" for="cluster-search">
            Search clusters
          </label>
          <input id="cluster-search" type="search" placeholder="Search clusters…" style={{ "max-width": "18rem" }} value={q()} onInput={(e) => setQ(e.currentTarget.value)} />
          <span class="small muted">{formatNumber(rows().length)} clusters loaded</span>
        </search>
        <ErrorMessage error={clusters.error} />
        <Show when={!clusters.isLoading} fallback={<Loading />}>
          <VirtualTable
            label="Clusters"
            rows={rows()}
            rowKey={(c) => c.clusterId}
            columns={columns}
            minWidth={980}
            height={480}
            sort={{ column: sort().replace("-", ""), descending: sort().startsWith("-") }}
            onSort={(column) => setSort((current) => (current === `-${column}` ? column : `-${column}`) as Sort)}
            onEndReached={() => clusters.hasNextPage && !clusters.isFetchingNextPage && void clusters.fetchNextPage()}
            empty={
              <Empty title="No clusters yet">
                <p>Run clustering above once your keywords are imported.</p>
              </Empty>
            }
          />
        </Show>
      </div>
    </>
  );
}

function RunPanel(props: { siteId: string; sectorId: string; runId?: string; onStarted: (id: string) => void }) {
  const [granularity, setGranularity] = createSignal<"low" | "medium" | "high">("medium");
  const [method, setMethod] = createSignal<ClusteringOptions["method"]>("offline");
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  const execution = useExecution(() => props.runId);
  let refreshed = false;

  const progress = () => execution.data?.progress;
  const finished = () => execution.data && execution.data.status !== "running";
  // When the run ends, the cluster list is read again once.
  const refreshOnce = () => {
    if (finished() && !refreshed) {
      refreshed = true;
      void invalidate("sites", props.siteId, "clusters");
      void invalidate("sites", props.siteId, "keywords");
    }
    return null;
  };

  return (
    <section class="card stack" aria-labelledby="run-title">
      <h2 id="run-title">Cluster keywords</h2>
      <ErrorMessage error={error()} />
      <div class="row" style={{ "align-items": "flex-end" }}>
        <SelectField
          label="Method"
          name="method"
          value={method()}
          onChange={setMethod}
          options={[
            { value: "offline", label: "Words and phrases (fast)" },
            { value: "embeddings", label: "Meaning (AI embeddings)" },
            { value: "serp", label: "Shared search results" },
          ]}
        />
        <SelectField
          label="Granularity"
          name="granularity"
          value={granularity()}
          onChange={setGranularity}
          options={[
            { value: "low", label: "Few broad clusters" },
            { value: "medium", label: "Balanced" },
            { value: "high", label: "Many tight clusters" },
          ]}
        />
        <Button
          kind="primary"
          busy={busy() || execution.data?.status === "running"}
          onClick={async () => {
            setBusy(true);
            setError(undefined);
            refreshed = false;
            try {
              const started = await startClustering(props.siteId, {
                method: method(),
                granularity: granularity(),
                ...(props.sectorId ? { sectorId: props.sectorId } : {}),
              });
              props.onStarted(started.executionId);
            } catch (caught) {
              setError(caught);
            } finally {
              setBusy(false);
            }
          }}
        >
          {props.sectorId ? "Cluster this sector" : "Cluster every sector"}
        </Button>
      </div>
      <Show when={execution.data}>
        {(run) => (
          <div class="stack" data-testid="clustering-run">
            {refreshOnce()}
            <div class="row">
              <StatusBadge status={run().status} />
              <A href={`/runs/${run().id}`}>Run details</A>
            </div>
            <ProgressBar label="Clustering progress" done={progress()?.done ?? 0} failed={progress()?.failed} total={progress()?.total || null} />
            <RunErrors execution={run()} />
          </div>
        )}
      </Show>
    </section>
  );
}
