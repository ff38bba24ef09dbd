import { A, useParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, on, Show } from "solid-js";
import { addKeywords, exportKeywords, type KeywordQuery, type KeywordSort, keywordBulk, useKeywords } from "../../data/planner";
import { invalidate } from "../../data/query";
import { selectedSector, useSectors } from "../../data/sites";
import type { Intent, Keyword, KeywordBulk } from "../../data/types";
import {
  Badge,
  Button,
  type Column,
  Dialog,
  Empty,
  ErrorMessage,
  formatNumber,
  Loading,
  PageHeader,
  SelectField,
  StatusBadge,
  toast,
  toastError,
  VirtualTable,
} from "../../ui";

const intents: Intent[] = ["informational", "commercial", "transactional", "navigational"];
const BULK_CHUNK = 1000;

/** The keyword table: server-side sort, filter and search; windowed rendering; bulk actions. */
export default function Keywords() {
  const params = useParams();
  const siteId = () => params.siteId!;
  const sectorId = () => selectedSector(siteId());
  const sectors = useSectors(siteId);
  const [search, setSearch] = createSignal("");
  const [q, setQ] = createSignal("");
  const [intent, setIntent] = createSignal<Intent | "">("");
  const [status, setStatus] = createSignal<KeywordQuery["status"] | "">("");
  const [clustered, setClustered] = createSignal<"" | "none">("");
  const [sort, setSort] = createSignal<KeywordSort>("-volume");
  const [selected, setSelected] = createSignal<Set<string>>(new Set());
  const [adding, setAdding] = createSignal(false);

  // Search as you type, once typing pauses.
  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(search, (value) => {
      clearTimeout(timer);
      timer = setTimeout(() => setQ(value.trim()), 300);
    }),
  );

  const query = createMemo(() => ({
    sort: sort(),
    ...(sectorId() ? { sectorId: sectorId() } : {}),
    ...(q() ? { q: q() } : {}),
    ...(intent() ? { intent: intent() as Intent } : {}),
    ...(status() ? { status: status() as NonNullable<KeywordQuery["status"]> } : {}),
    ...(clustered() ? { clusterId: clustered() } : {}),
  }));
  const keywords = useKeywords(siteId, query);
  const rows = createMemo(() => keywords.data?.pages.flatMap((page) => page.items) ?? []);
  createEffect(on(query, () => setSelected(new Set<string>())));

  const sortColumn = () => sort().replace("-", "");
  const onSort = (column: string) => {
    const key = column === "createdAt" ? "created" : column;
    const descending = sort() === `-${key}`;
    // Numbers start high-to-low, words A-Z; a second click flips.
    const first = key === "keyword" ? key : `-${key}`;
    setSort((sortColumn() === key ? (descending ? key : `-${key}`) : first) as KeywordSort);
  };

  const sectorName = (id: string) => sectors.data?.find((s) => s.sectorId === id)?.name ?? "";
  const columns: Column<Keyword>[] = [
    { id: "keyword", label: "Keyword", width: "minmax(220px, 3fr)", sortable: true, render: (k) => <span title={k.keyword}>{k.keyword}</span> },
    { id: "volume", label: "Volume", width: "100px", numeric: true, sortable: true, render: (k) => formatNumber(k.volume) },
    { id: "difficulty", label: "KD", width: "70px", numeric: true, sortable: true, render: (k) => formatNumber(k.difficulty) },
    { id: "cpc", label: "CPC", width: "80px", numeric: true, render: (k) => (k.cpc === null ? "–" : k.cpc.toFixed(2)) },
    { id: "intent", label: "Intent", width: "130px", render: (k) => k.intent ?? "–" },
    { id: "status", label: "Status", width: "130px", render: (k) => <StatusBadge status={k.status} /> },
    {
      id: "cluster",
      label: "Cluster",
      width: "minmax(120px, 1fr)",
      render: (k) => (k.clusterId ? <A href={`/sites/${siteId()}/clusters/${k.clusterId}`}>open</A> : k.unclusteredReason?.replaceAll("_", " ") ?? "–"),
    },
    { id: "sector", label: "Sector", width: "minmax(100px, 1fr)", render: (k) => sectorName(k.sectorId) },
    { id: "tags", label: "Tags", width: "minmax(100px, 1fr)", render: (k) => k.tags.join(", ") },
    { id: "created", label: "Added", width: "110px", sortable: true, render: (k) => new Date(k.createdAt).toLocaleDateString() },
  ];

  const toggle = (keywordId: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(keywordId)) next.delete(keywordId);
      else next.add(keywordId);
      return next;
    });
  const allSelected = () => rows().length > 0 && selected().size === rows().length;
  const toggleAll = () => setSelected(allSelected() ? new Set<string>() : new Set(rows().map((k) => k.keywordId)));

  const [busy, setBusy] = createSignal(false);
  const bulk = async (make: (ids: string[]) => KeywordBulk, done: string) => {
    const ids = [...selected()];
    if (ids.length === 0) return;
    setBusy(true);
    try {
      let changed = 0;
      for (let i = 0; i < ids.length; i += BULK_CHUNK) {
        const result = await keywordBulk(siteId(), make(ids.slice(i, i + BULK_CHUNK)));
        changed += result.changed + result.merged;
      }
      toast(`${done}: ${formatNumber(changed)} keywords`);
      setSelected(new Set<string>());
      await invalidate("sites", siteId(), "keywords");
    } catch (error) {
      toastError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader
        title="Keywords"
        description={sectorId() ? `Sector: ${sectorName(sectorId())}` : "All sectors of this site."}
        actions={
          <>
            <A class="button primary" href={`/sites/${siteId()}/imports/new`}>
              Import keywords
            </A>
            <Button onClick={() => setAdding(true)}>Add by hand</Button>
            <Button
              onClick={async () => {
                try {
                  const file = await exportKeywords(siteId(), query());
                  toast(`Exported ${formatNumber(file.rows)} keywords`);
                  window.location.assign(file.url);
                } catch (error) {
                  toastError(error);
                }
              }}
            >
              Export CSV
            </Button>
          </>
        }
      />
      <div class="card stack" style={{ padding: "0.75rem" }}>
        <search class="row">
          <label class="visually-hidden" for="keyword-search">
            Search keywords
          </label>
          <input
            id="keyword-search"
            type="search"
            placeholder="Search keywords…"
            style={{ "max-width": "18rem" }}
            value={search()}
            onInput={(event) => setSearch(event.currentTarget.value)}
          />
          <label class="visually-hidden" for="keyword-intent">
            Intent
          </label>
          <select id="keyword-intent" style={{ width: "auto" }} value={intent()} onChange={(e) => setIntent(e.currentTarget.value as Intent | "")}>
            <option value="">Any intent</option>
            {intents.map((i) => (
              <option value={i} selected={i === intent()}>{i}</option>
            ))}
          </select>
          <label class="visually-hidden" for="keyword-status">
            Status
          </label>
          <select
            id="keyword-status"
            style={{ width: "auto" }}
            value={status() ?? ""}
            onChange={(e) => setStatus(e.currentTarget.value as KeywordQuery["status"] | "")}
          >
            <option value="">Any status</option>
            <option value="new">New</option>
            <option value="clustered">Clustered</option>
            <option value="unclustered">Unclustered</option>
            <option value="ignored">Ignored</option>
          </select>
          <label class="row small">
            <input type="checkbox" checked={clustered() === "none"} onChange={(e) => setClustered(e.currentTarget.checked ? "none" : "")} />
            In no cluster
          </label>
          <span class="spacer" style={{ flex: 1 }} />
          <span class="small muted" aria-live="polite">
            {formatNumber(rows().length)} loaded{keywords.hasNextPage ? ", more as you scroll" : ""}
            {selected().size > 0 ? ` · ${formatNumber(selected().size)} selected` : ""}
          </span>
        </search>
        <Show when={selected().size > 0}>
          <BulkBar
            busy={busy()}
            sectors={sectors.data ?? []}
            onAction={(action, value) => {
              if (action === "tag" || action === "untag") {
                const tags = (value ?? "").split(",").map((t) => t.trim()).filter(Boolean);
                if (tags.length) void bulk((keywordIds) => ({ action, keywordIds, tags }), action === "tag" ? "Tagged" : "Untagged");
              } else if (action === "move") {
                if (value) void bulk((keywordIds) => ({ action, keywordIds, sectorId: value }), "Moved");
              } else if (action === "delete") {
                if (confirm(`Delete ${selected().size} keywords?`)) void bulk((keywordIds) => ({ action, keywordIds }), "Deleted");
              } else void bulk((keywordIds) => ({ action, keywordIds }), { ignore: "Ignored", unignore: "Restored", recluster: "Reclustering" }[action]);
            }}
          />
        </Show>
        <ErrorMessage error={keywords.error} />
        <Show when={!keywords.isLoading} fallback={<Loading label="Loading keywords…" />}>
          <VirtualTable
            label="Keywords"
            rows={rows()}
            rowKey={(k) => k.keywordId}
            columns={columns}
            minWidth={1160}
            sort={{ column: sortColumn(), descending: sort().startsWith("-") }}
            onSort={onSort}
            selected={(id) => selected().has(id)}
            onToggle={toggle}
            onToggleAll={toggleAll}
            allSelected={allSelected()}
            onEndReached={() => {
              if (keywords.hasNextPage && !keywords.isFetchingNextPage) void keywords.fetchNextPage();
            }}
            empty={
              <Empty title={q() || intent() || status() || clustered() ? "No keyword matches" : "No keywords yet"}>
                <p>
                  <Show when={!(q() || intent() || status() || clustered())} fallback="Change the filters or the search.">
                    <A href={`/sites/${siteId()}/imports/new`}>Import a keyword export</A> or add keywords by hand.
                  </Show>
                </p>
              </Empty>
            }
          />
          <Show when={keywords.isFetchingNextPage}>
            <Loading label="Loading more…" />
          </Show>
        </Show>
      </div>
      <AddKeywords open={adding()} siteId={siteId()} sectors={sectors.data ?? []} defaultSector={sectorId()} onClose={() => setAdding(false)} />
    </>
  );
}

type BulkAction = "tag" | "untag" | "move" | "delete" | "ignore" | "unignore" | "recluster";

function BulkBar(props: { busy: boolean; sectors: { sectorId: string; name: string }[]; onAction: (action: BulkAction, value?: string) => void }) {
  const [tags, setTags] = createSignal("");
  const [sector, setSector] = createSignal("");
  return (
    <div class="row" role="toolbar" aria-label="Bulk actions">
      <label class="visually-hidden" for="bulk-tags">
        Tags for the selected keywords
      </label>
      <input id="bulk-tags" placeholder="tag, another" style={{ "max-width": "12rem" }} value={tags()} onInput={(e) => setTags(e.currentTarget.value)} />
      <Button size="small" busy={props.busy} onClick={() => props.onAction("tag", tags())}>
        Tag
      </Button>
      <Button size="small" disabled={props.busy} onClick={() => props.onAction("untag", tags())}>
        Untag
      </Button>
      <label class="visually-hidden" for="bulk-sector">
        Move to sector
      </label>
      <select id="bulk-sector" style={{ width: "auto" }} value={sector()} onChange={(e) => setSector(e.currentTarget.value)}>
        <option value="">Move to sector…</option>
        {props.sectors.map((s) => (
          <option value={s.sectorId} selected={s.sectorId === sector()}>{s.name}</option>
        ))}
      </select>
      <Button size="small" disabled={props.busy || !sector()} onClick={() => props.onAction("move", sector())}>
        Move
      </Button>
      <Button size="small" disabled={props.busy} onClick={() => props.onAction("ignore")}>
        Ignore
      </Button>
      <Button size="small" disabled={props.busy} onClick={() => props.onAction("unignore")}>
        Un-ignore
      </Button>
      <Button size="small" disabled={props.busy} onClick={() => props.onAction("recluster")}>
        Recluster
      </Button>
      <Button size="small" kind="danger" disabled={props.busy} onClick={() => props.onAction("delete")}>
        Delete
      </Button>
    </div>
  );
}

function AddKeywords(props: {
  open: boolean;
  siteId: string;
  sectors: { sectorId: string; name: string }[];
  defaultSector: string;
  onClose: () => void;
}) {
  const [text, setText] = createSignal("");
  const [sector, setSector] = createSignal("");
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  createEffect(() => props.open && setSector(props.defaultSector || props.sectors[0]?.sectorId || ""));
  const submit = async () => {
    const list = text().split("\n").map((line) => line.trim()).filter(Boolean);
    if (list.length === 0) return;
    setBusy(true);
    setError(undefined);
    try {
      const result = await addKeywords(props.siteId, sector(), list);
      toast(`${result.created} added, ${result.merged} already there${result.rejected ? `, ${result.rejected} rejected` : ""}`);
      setText("");
      await invalidate("sites", props.siteId, "keywords");
      props.onClose();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={props.open}
      title="Add keywords"
      onClose={props.onClose}
      footer={
        <>
          <Button kind="ghost" onClick={props.onClose}>
            Cancel
          </Button>
          <Button kind="primary" busy={busy()} onClick={submit} disabled={!sector()}>
            Add
          </Button>
        </>
      }
    >
      <div class="stack">
        <ErrorMessage error={error()} />
        <SelectField
          label="Sector"
          name="sectorId"
          value={sector()}
          onChange={setSector}
          options={props.sectors.map((s) => ({ value: s.sectorId, label: s.name }))}
        />
        <label class="label" for="add-keywords">
          Keywords, one per line
        </label>
        <textarea id="add-keywords" rows={8} value={text()} onInput={(e) => setText(e.currentTarget.value)} />
        <Badge>{text().split("\n").filter((l) => l.trim()).length} keywords</Badge>
      </div>
    </Dialog>
  );
}
