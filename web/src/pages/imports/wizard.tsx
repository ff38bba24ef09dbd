import { A, useNavigate, useParams } from "@solidjs/router";
import { createEffect, createSignal, For, Match, Show, Switch } from "solid-js";
import { importReport, startImport, uploadImport, useImport } from "../../data/planner";
import { invalidate } from "../../data/query";
import { selectedSector, useSectors } from "../../data/sites";
import type { KeywordImport, KeywordImportDetection, KeywordImportMapping } from "../../data/types";
import {
  Badge,
  Button,
  Empty,
  ErrorMessage,
  formatNumber,
  Loading,
  Notice,
  PageHeader,
  ProgressBar,
  SelectField,
  StatusBadge,
  TextField,
  toastError,
} from "../../ui";

type Field = keyof KeywordImportMapping;

/** The fields a person is asked about, in the order they matter. */
const fields: { field: Field; label: string }[] = [
  { field: "keyword", label: "Keyword (required)" },
  { field: "volume", label: "Search volume" },
  { field: "difficulty", label: "Keyword difficulty" },
  { field: "cpc", label: "CPC" },
  { field: "competition", label: "Competition" },
  { field: "intent", label: "Intent" },
  { field: "serpFeatures", label: "SERP features" },
  { field: "trend", label: "Trend" },
  { field: "position", label: "Position" },
  { field: "url", label: "URL" },
  { field: "traffic", label: "Traffic" },
  { field: "clicks", label: "Clicks" },
  { field: "impressions", label: "Impressions" },
  { field: "ctr", label: "CTR" },
  { field: "parentKeyword", label: "Parent keyword" },
  { field: "country", label: "Country" },
];

const steps = ["Upload", "Check columns", "Import"];

/**
 * The import wizard: the file goes straight to storage through a presigned URL; the API reads its
 * head to detect the tool, encoding and columns; a person confirms the columns when the API is
 * unsure; then the import runs and its progress is followed here.
 */
export default function ImportWizard() {
  const params = useParams();
  const navigate = useNavigate();
  const siteId = () => params.siteId!;
  const importId = () => params.importId;
  const record = useImport(siteId, importId);
  const [detection, setDetection] = createSignal<KeywordImportDetection | null>(null);

  const step = () => {
    const status = record.data?.status;
    if (!importId() || status === "awaiting_upload") return 0;
    if (status === "needs_mapping") return 1;
    return 2;
  };

  return (
    <>
      <PageHeader title="Import keywords" description="From a Semrush, Ahrefs, Moz, Ubersuggest or Search Console export, or any CSV." />
      <ol class="row" aria-label="Steps" style={{ "list-style": "none", padding: 0, gap: "1rem" }}>
        <For each={steps}>
          {(label, index) => (
            <li aria-current={index() === step() ? "step" : undefined}>
              <Badge tone={index() < step() ? "ok" : index() === step() ? "info" : undefined}>
                {index() + 1}. {label}
              </Badge>
            </li>
          )}
        </For>
      </ol>
      <Switch>
        <Match when={!importId()}>
          <UploadStep
            siteId={siteId()}
            onStarted={(imported, detected) => {
              setDetection(detected);
              navigate(`/sites/${siteId()}/imports/${imported.importId}`, { replace: true });
            }}
          />
        </Match>
        <Match when={record.error}>
          <ErrorMessage error={record.error} />
        </Match>
        <Match when={!record.data}>
          <Loading />
        </Match>
        <Match when={record.data!.status === "awaiting_upload"}>
          <Notice kind="warn">
            The file of this import never arrived. <A href={`/sites/${siteId()}/imports/new`}>Start a new import.</A>
          </Notice>
        </Match>
        <Match when={record.data!.status === "needs_mapping"}>
          <MappingStep siteId={siteId()} record={record.data!} detection={detection() ?? record.data!.detection} />
        </Match>
        <Match when={record.data}>
          <DetectionSummary detection={detection() ?? record.data!.detection} />
          <ProgressStep siteId={siteId()} record={record.data!} />
        </Match>
      </Switch>
    </>
  );
}

function UploadStep(props: { siteId: string; onStarted: (record: KeywordImport, detection: KeywordImportDetection | null) => void }) {
  const sectors = useSectors(() => props.siteId);
  const [sector, setSector] = createSignal("");
  const [file, setFile] = createSignal<File>();
  const [tags, setTags] = createSignal("");
  const [phase, setPhase] = createSignal<"" | "uploading" | "detecting">("");
  const [error, setError] = createSignal<unknown>();
  createEffect(() => {
    if (!sector()) setSector(selectedSector(props.siteId) || sectors.data?.[0]?.sectorId || "");
  });

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const chosen = file();
    if (!chosen || !sector()) return;
    setError(undefined);
    try {
      setPhase("uploading");
      const created = await uploadImport(
        props.siteId,
        sector(),
        chosen,
        tags().split(",").map((t) => t.trim()).filter(Boolean),
      );
      setPhase("detecting");
      const started = await startImport(props.siteId, created.importId);
      await invalidate("sites", props.siteId, "imports");
      props.onStarted(started.import, started.detection);
    } catch (caught) {
      setError(caught);
    } finally {
      setPhase("");
    }
  };

  return (
    <Show
      when={sectors.data?.length !== 0}
      fallback={
        <Empty title="Add a sector first">
          <p>
            Keywords are imported into a sector. <A href={`/sites/${props.siteId}`}>Add one on the site page.</A>
          </p>
        </Empty>
      }
    >
      <form class="card stack" onSubmit={submit} aria-labelledby="upload-title">
        <h2 id="upload-title">Choose the file</h2>
        <ErrorMessage error={error()} />
        <div class="grid">
          <SelectField
            label="Sector"
            name="sectorId"
            value={sector()}
            onChange={setSector}
            options={(sectors.data ?? []).map((s) => ({ value: s.sectorId, label: s.name }))}
            error={error()}
          />
          <div class="field">
            <label for="import-file">Keyword file</label>
            <input
              id="import-file"
              type="file"
              accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain"
              aria-describedby="import-file-hint"
              onChange={(event) => setFile(event.currentTarget.files?.[0])}
            />
            <span class="hint" id="import-file-hint">
              CSV, TSV or TXT up to 200 MB. Save spreadsheets as CSV first.
            </span>
          </div>
          <TextField label="Tags" name="tags" hint="Optional, comma separated: added to every keyword." value={tags()} onInput={setTags} />
        </div>
        <div class="row">
          <Button type="submit" kind="primary" busy={phase() !== ""} disabled={!file() || !sector()}>
            Upload and detect
          </Button>
          <Show when={phase()}>
            <span class="muted" role="status">
              {phase() === "uploading" ? "Uploading the file…" : "Reading the file's columns…"}
            </span>
          </Show>
        </div>
      </form>
    </Show>
  );
}

function DetectionSummary(props: { detection: KeywordImportDetection | null }) {
  return (
    <Show when={props.detection}>
      {(detection) => (
        <section class="card stack" aria-labelledby="detection-title">
          <h2 id="detection-title">
            Detected: {detection().formatLabel} <Badge tone={detection().confidence >= 0.8 ? "ok" : "warn"}>{Math.round(detection().confidence * 100)}% sure</Badge>
          </h2>
          <p class="small muted">
            Encoding {detection().encoding}
            {detection().delimiter ? `, delimiter ${JSON.stringify(detection().delimiter)}` : ""}, header on line {detection().headerLine ?? "–"}, numbers as{" "}
            {detection().numberLocale}.
          </p>
          <Show when={detection().notes.length > 0}>
            <ul class="small">
              <For each={detection().notes}>{(note) => <li>{note}</li>}</For>
            </ul>
          </Show>
          <Show when={detection().preview.length > 0}>
            <div class="table-wrap">
              <table class="table" aria-label="Preview of the first rows">
                <thead>
                  <tr>
                    <th scope="col">Line</th>
                    <th scope="col">Keyword</th>
                    <th scope="col" class="num">
                      Volume
                    </th>
                    <th scope="col" class="num">
                      KD
                    </th>
                    <th scope="col" class="num">
                      CPC
                    </th>
                    <th scope="col">Intent</th>
                    <th scope="col">Outcome</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={detection().preview}>
                    {(row) => (
                      <tr>
                        <td>{row.line}</td>
                        <td>{row.keyword ?? "–"}</td>
                        <td class="num">{formatNumber(row.volume)}</td>
                        <td class="num">{formatNumber(row.difficulty)}</td>
                        <td class="num">{row.cpc ?? "–"}</td>
                        <td>{row.intent ?? "–"}</td>
                        <td>
                          <Show when={row.kind !== "row"} fallback={<Badge tone="ok">ok</Badge>}>
                            <Badge tone={row.kind === "rejected" ? "error" : "warn"}>{row.kind}</Badge> <span class="small">{row.reason}</span>
                          </Show>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        </section>
      )}
    </Show>
  );
}

function headerOf(detection: KeywordImportDetection, field: string): string {
  const byHeader = detection.mappingByHeader[field]?.[0];
  if (byHeader) return byHeader;
  const column = detection.mapping[field]?.[0] ?? detection.proposal?.[field]?.columns[0];
  return column === undefined ? "" : (detection.headers[column] ?? "");
}

function MappingStep(props: { siteId: string; record: KeywordImport; detection: KeywordImportDetection | null }) {
  const [mapping, setMapping] = createSignal<Record<string, string>>({});
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  createEffect(() => {
    const detection = props.detection;
    if (!detection) return;
    setMapping(Object.fromEntries(fields.map(({ field }) => [field, headerOf(detection, field)])));
  });
  const headers = () => props.detection?.headers ?? [];

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const chosen: KeywordImportMapping = {};
      for (const { field } of fields) chosen[field] = mapping()[field] || null;
      await startImport(props.siteId, props.record.importId, chosen);
      await invalidate("sites", props.siteId, "imports");
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <DetectionSummary detection={props.detection} />
      <section class="card stack" aria-labelledby="mapping-title">
        <h2 id="mapping-title">Confirm the columns</h2>
        <p class="muted">We are not sure which column holds what. Check the choices below, then start the import.</p>
        <ErrorMessage error={error()} />
        <div class="grid">
          <For each={fields}>
            {({ field, label }) => (
              <SelectField
                label={label}
                name={field}
                value={mapping()[field] ?? ""}
                onChange={(value) => setMapping((m) => ({ ...m, [field]: value }))}
                options={[{ value: "", label: "Not in this file" }, ...headers().map((h) => ({ value: h, label: h }))]}
              />
            )}
          </For>
        </div>
        <div>
          <Button kind="primary" busy={busy()} disabled={!mapping().keyword} onClick={confirm}>
            Start the import
          </Button>
        </div>
      </section>
    </>
  );
}

function ProgressStep(props: { siteId: string; record: KeywordImport }) {
  const r = () => props.record;
  const counts = () => r().summary ?? r().progress;
  return (
    <section class="card stack" aria-labelledby="progress-title">
      <h2 id="progress-title">
        {r().fileName} <StatusBadge status={r().status} />
      </h2>
      <Show when={r().status === "queued" || r().status === "validating" || r().status === "importing"}>
        <ProgressBar label="Importing" done={r().progress?.doneRows ?? 0} total={r().progress?.totalRows ?? null} />
      </Show>
      <Show when={r().error}>
        {(failure) => (
          <div class="alert error" role="alert">
            {failure().message}
          </div>
        )}
      </Show>
      <Show when={r().status === "unchanged"}>
        <Notice kind="warn">This exact file was imported into this sector before; nothing changed.</Notice>
      </Show>
      <Show when={counts()}>
        <dl class="kv">
          <dt>Added</dt>
          <dd data-testid="import-created">{formatNumber(counts()!.created)}</dd>
          <dt>Merged into existing keywords</dt>
          <dd>{formatNumber(counts()!.merged)}</dd>
          <dt>Duplicates in the file</dt>
          <dd>{formatNumber(counts()!.duplicates)}</dd>
          <dt>Rejected</dt>
          <dd>{formatNumber(counts()!.rejected)}</dd>
        </dl>
      </Show>
      <Show when={r().summary && Object.keys(r().summary!.rejectedByReason).length > 0}>
        <ul class="small">
          <For each={Object.entries(r().summary!.rejectedByReason)}>
            {([reason, count]) => (
              <li>
                {reason.replaceAll("_", " ")}: {formatNumber(count)}
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={r().summary?.limitReached}>
        <Notice kind="warn">Your plan's keyword limit was reached; the rest of the file was not imported.</Notice>
      </Show>
      <div class="row">
        <Show when={r().status === "succeeded" || r().status === "unchanged"}>
          <A class="button primary" href={`/sites/${props.siteId}/keywords`}>
            See the keywords
          </A>
          <A class="button" href={`/sites/${props.siteId}/clusters`}>
            Cluster them
          </A>
        </Show>
        <Show when={r().hasReport}>
          <Button
            onClick={async () => {
              try {
                window.location.assign((await importReport(props.siteId, r().importId)).url);
              } catch (error) {
                toastError(error);
              }
            }}
          >
            Download the row report
          </Button>
        </Show>
        <Show when={r().executionId}>
          <A class="button ghost" href={`/runs/${r().executionId}`}>
            Pipeline run
          </A>
        </Show>
      </div>
    </section>
  );
}
