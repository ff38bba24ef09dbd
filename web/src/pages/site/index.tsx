import { A, useNavigate, useParams } from "@solidjs/router";
import { createQuery } from "@tanstack/solid-query";
import { createSignal, For, Match, Show, Switch } from "solid-js";
import { canManage, currentRole, useMe } from "../../data/account";
import { api, unwrap } from "../../data/client";
import { ApiError } from "../../data/errors";
import { invalidate, key } from "../../data/query";
import { createSector, deleteSector, deleteSite, useIndustries, useSectors, useSite } from "../../data/sites";
import { Button, Empty, ErrorMessage, formatBytes, formatDate, Loading, PageHeader, TextField, toast, toastError } from "../../ui";

/** A site: its details, its sectors, its storage, and the way through the pipeline. */
export default function SiteOverview() {
  const params = useParams();
  const siteId = () => params.siteId!;
  const site = useSite(siteId);
  const me = useMe();
  const navigate = useNavigate();
  return (
    <Switch fallback={<Loading />}>
      <Match when={site.error}>
        <PageHeader title="Site" />
        <ErrorMessage error={site.error} />
      </Match>
      <Match when={site.data}>
        {(data) => (
          <>
            <PageHeader
              title={data().name}
              description={
                <a href={data().url} target="_blank" rel="noreferrer">
                  {data().url}
                </a>
              }
              actions={
                <Show when={canManage(currentRole(me.data))}>
                  <Button
                    kind="danger"
                    onClick={async () => {
                      if (!confirm(`Delete ${data().name} with all its sectors? This cannot be undone.`)) return;
                      try {
                        await deleteSite(siteId());
                        await invalidate("sites");
                        localStorage.removeItem("igny8.site");
                        navigate("/sites");
                      } catch (error) {
                        toastError(error);
                      }
                    }}
                  >
                    Delete site
                  </Button>
                </Show>
              }
            />
            <section class="card" aria-labelledby="steps-title">
              <h2 id="steps-title">From keywords to published posts</h2>
              <ol class="stack" style={{ "padding-left": "1.25rem", margin: 0 }}>
                <li>
                  <A href={`/sites/${siteId()}/imports/new`}>Import keywords</A> from a Semrush, Ahrefs or Search Console export.
                </li>
                <li>
                  <A href={`/sites/${siteId()}/clusters`}>Cluster them</A> into topics with hub keywords and page groups.
                </li>
                <li>
                  <A href={`/sites/${siteId()}/ideas`}>Turn clusters into ideas</A>, and ideas into writing tasks.
                </li>
                <li>
                  <A href={`/sites/${siteId()}/tasks`}>Generate the content</A>, review and edit it.
                </li>
                <li>
                  <A href={`/sites/${siteId()}/connections`}>Connect WordPress</A> and publish.
                </li>
              </ol>
            </section>
            <Sectors siteId={siteId()} industryId={data().industryId} />
            <StorageCard siteId={siteId()} />
          </>
        )}
      </Match>
    </Switch>
  );
}

function Sectors(props: { siteId: string; industryId: string | null }) {
  const sectors = useSectors(() => props.siteId);
  const industries = useIndustries();
  const [name, setName] = createSignal("");
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  const presets = () => industries.data?.find((i) => i.industryId === props.industryId)?.sectors ?? [];
  const unused = () => presets().filter((p) => !sectors.data?.some((s) => s.presetId === p.sectorId));

  const add = async (input: { name?: string; presetId?: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await createSector(props.siteId, input);
      setName("");
      await invalidate("sites", props.siteId, "sectors");
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card stack" aria-labelledby="sectors-title">
      <h2 id="sectors-title">Sectors</h2>
      <p class="muted small">Keywords are imported into a sector; clustering runs per sector.</p>
      <ErrorMessage error={sectors.error} />
      <Show when={sectors.data?.length === 0}>
        <Empty title="No sectors yet">
          <p>Add a sector below before importing keywords.</p>
        </Empty>
      </Show>
      <ul class="stack" style={{ "list-style": "none", padding: 0, margin: 0 }}>
        <For each={sectors.data}>
          {(sector) => (
            <li class="row" style={{ "justify-content": "space-between" }}>
              <span>
                <strong>{sector.name}</strong> <span class="muted small">{sector.description}</span>
              </span>
              <Button
                size="small"
                kind="ghost"
                aria-label={`Delete sector ${sector.name}`}
                onClick={async () => {
                  if (!confirm(`Delete the sector ${sector.name}?`)) return;
                  try {
                    await deleteSector(props.siteId, sector.sectorId);
                    await invalidate("sites", props.siteId, "sectors");
                  } catch (caught) {
                    toastError(caught);
                  }
                }}
              >
                Delete
              </Button>
            </li>
          )}
        </For>
      </ul>
      <form
        class="row"
        style={{ "align-items": "flex-end" }}
        onSubmit={(event) => {
          event.preventDefault();
          if (name().trim()) void add({ name: name().trim() });
        }}
      >
        <div style={{ flex: 1, "min-width": "200px" }}>
          <TextField label="New sector" name="name" value={name()} onInput={setName} error={error()} />
        </div>
        <Button type="submit" busy={busy()} disabled={!name().trim()}>
          Add sector
        </Button>
      </form>
      <ErrorMessage error={error()} />
      <Show when={unused().length > 0}>
        <div class="stack">
          <span class="label">Suggested for this industry</span>
          <div class="row">
            <For each={unused()}>
              {(preset) => (
                <Button size="small" onClick={() => add({ presetId: preset.sectorId })}>
                  + {preset.name}
                </Button>
              )}
            </For>
          </div>
        </div>
      </Show>
    </section>
  );
}

function StorageCard(props: { siteId: string }) {
  const usage = createQuery(() => ({
    queryKey: key("sites", props.siteId, "storage"),
    queryFn: () =>
      unwrap(api.GET("/v1/sites/{siteId}/storage-usage", { params: { path: { siteId: props.siteId } } })).catch((error) => {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }),
  }));
  const navigate = useNavigate();
  return (
    <section class="card stack" aria-labelledby="storage-title">
      <h2 id="storage-title">Storage</h2>
      <Show when={usage.data} fallback={<p class="muted">Not counted yet.</p>}>
        {(data) => (
          <p>
            {formatBytes(data().usedBytes)} in {data().objects} files
            {data().quotaBytes ? ` of ${formatBytes(data().quotaBytes!)}` : ""}, counted {formatDate(data().measuredAt)}.
          </p>
        )}
      </Show>
      <div>
        <Button
          onClick={async () => {
            try {
              const started = await unwrap(api.POST("/v1/sites/{siteId}/storage-usage", { params: { path: { siteId: props.siteId } } }));
              toast("Recount started");
              navigate(`/runs/${started.executionId}`);
            } catch (error) {
              toastError(error);
            }
          }}
        >
          Recount storage
        </Button>
      </div>
    </section>
  );
}
