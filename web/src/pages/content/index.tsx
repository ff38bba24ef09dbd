import { A, useParams, useSearchParams } from "@solidjs/router";
import { createEffect, createSignal, For, Match, on, onCleanup, Show, Switch } from "solid-js";
import { api } from "../../data/client";
import { publish, useConnections, useRecords } from "../../data/publisher";
import { invalidate } from "../../data/query";
import {
  type Content,
  type ContentDiff,
  contentDiff,
  editContent,
  type Image,
  restoreVersion,
  setTaskStatus,
  updateImage,
  useContent,
  useImages,
  useImageUrl,
  useTask,
  useVersions,
} from "../../data/writer";
import {
  Badge,
  Button,
  Empty,
  ErrorMessage,
  formatDate,
  formatNumber,
  Loading,
  Notice,
  PageHeader,
  SelectField,
  StatusBadge,
  TextField,
  toast,
  toastError,
} from "../../ui";
import { RecordCard } from "../publishing";

const tabs = ["preview", "edit", "images", "versions", "publish"] as const;
type Tab = (typeof tabs)[number];
const tabLabels: Record<Tab, string> = { preview: "Preview", edit: "Edit", images: "Images", versions: "Versions", publish: "Publish" };

/** A task and its content: preview, editor, images with provenance, versions with diff, publishing. */
export default function ContentPage() {
  const params = useParams();
  const siteId = () => params.siteId!;
  const taskId = () => params.taskId!;
  const task = useTask(siteId, taskId);
  const content = useContent(siteId, () => task.data?.contentId);
  const [search, setSearch] = useSearchParams();
  const tab = () => (tabs.includes(search.tab as Tab) ? (search.tab as Tab) : "preview");

  return (
    <Switch fallback={<Loading />}>
      <Match when={task.error}>
        <PageHeader title="Task" />
        <ErrorMessage error={task.error} />
      </Match>
      <Match when={task.data}>
        {(t) => (
          <>
            <PageHeader
              title={t().title}
              description={
                <>
                  {t().contentType} · {t().structure.replaceAll("_", " ")} · primary keyword <strong>{t().primaryKeyword}</strong> ·{" "}
                  <StatusBadge status={t().status} />
                </>
              }
              actions={
                <Show when={t().status === "review"}>
                  <Button
                    kind="primary"
                    onClick={async () => {
                      try {
                        await setTaskStatus(siteId(), taskId(), "approved");
                        await invalidate("sites", siteId(), "tasks");
                        toast("Approved");
                      } catch (error) {
                        toastError(error);
                      }
                    }}
                  >
                    Approve
                  </Button>
                </Show>
              }
            />
            <Show when={t().failureReason}>
              <div class="alert error" role="alert">
                Generation failed: {t().failureReason}
              </div>
            </Show>
            <Show
              when={t().contentId}
              fallback={
                <Empty title={t().status === "generating" ? "Generating…" : "No content yet"}>
                  <p>
                    <Show when={t().status !== "generating"} fallback="The content appears here when the run finishes.">
                      Select this task on the <A href={`/sites/${siteId()}/tasks`}>tasks board</A> and generate it.
                    </Show>
                  </p>
                  <Show when={t().outline.length > 0}>
                    <ol style={{ "text-align": "left", display: "inline-block" }}>
                      <For each={t().outline}>{(section) => <li>{section.heading}</li>}</For>
                    </ol>
                  </Show>
                </Empty>
              }
            >
              <div class="tabs" role="tablist" aria-label="Content">
                <For each={tabs}>
                  {(name) => (
                    <button type="button" role="tab" aria-selected={tab() === name} onClick={() => setSearch({ tab: name })}>
                      {tabLabels[name]}
                    </button>
                  )}
                </For>
              </div>
              <ErrorMessage error={content.error} />
              <Show when={content.data} fallback={<Loading />}>
                {(c) => (
                  <div role="tabpanel">
                    <Switch>
                      <Match when={tab() === "preview"}>
                        <Preview siteId={siteId()} content={c()} />
                      </Match>
                      <Match when={tab() === "edit"}>
                        <Editor siteId={siteId()} content={c()} />
                      </Match>
                      <Match when={tab() === "images"}>
                        <Gallery siteId={siteId()} contentId={c().contentId} />
                      </Match>
                      <Match when={tab() === "versions"}>
                        <Versions siteId={siteId()} content={c()} />
                      </Match>
                      <Match when={tab() === "publish"}>
                        <Publish siteId={siteId()} content={c()} />
                      </Match>
                    </Switch>
                  </div>
                )}
              </Show>
            </Show>
          </>
        )}
      </Match>
    </Switch>
  );
}

/** Content bodies refer to images as /media/<imageId>.png; the preview swaps in the fetched files. */
function hydrateImages(root: HTMLElement, siteId: string): () => void {
  const urls: string[] = [];
  for (const img of root.querySelectorAll<HTMLImageElement>('img[src^="/media/"]')) {
    const imageId = img.getAttribute("src")!.replace(/^\/media\//, "").replace(/\.[a-z]+$/, "");
    void api
      .GET("/v1/sites/{siteId}/images/{imageId}/file", { params: { path: { siteId, imageId } }, parseAs: "blob" })
      .then(({ data, response }) => {
        if (!response.ok || !data) return;
        const url = URL.createObjectURL(data as Blob);
        urls.push(url);
        img.src = url;
      })
      .catch(() => undefined);
  }
  return () => {
    for (const url of urls) URL.revokeObjectURL(url);
  };
}

function Preview(props: { siteId: string; content: Content }) {
  let body: HTMLDivElement | undefined;
  const featured = useImageUrl(() => props.siteId, () => props.content.featuredImageId);
  createEffect(
    on(
      () => props.content.html,
      () => {
        if (!body) return;
        const release = hydrateImages(body, props.siteId);
        onCleanup(release);
      },
    ),
  );
  const c = () => props.content;
  return (
    <div class="stack">
      <Show when={c().offline}>
        <Notice kind="warn">Written by the offline AI adapter (no AI provider is configured): placeholder text, real structure.</Notice>
      </Show>
      <section class="card stack" aria-label="Search result preview">
        <span class="small muted">{c().slug}</span>
        <strong style={{ color: "var(--accent)" }}>{c().metaTitle}</strong>
        <span class="small">{c().metaDescription}</span>
      </section>
      <article class="preview" data-testid="content-preview">
        <Show when={featured()}>
          <img src={featured()} alt="" style={{ width: "100%", "max-height": "320px", "object-fit": "cover" }} />
        </Show>
        <h1>{c().title}</h1>
        {/* The API sanitizes content HTML before storing it. */}
        <div ref={body} innerHTML={c().html} />
        <Show when={c().faq.length > 0}>
          <h2>Frequently asked questions</h2>
          <dl>
            <For each={c().faq}>
              {(item) => (
                <>
                  <dt>
                    <strong>{item.question}</strong>
                  </dt>
                  <dd>{item.answer}</dd>
                </>
              )}
            </For>
          </dl>
        </Show>
      </article>
      <details class="card">
        <summary>Structured data (JSON-LD)</summary>
        <pre style={{ "white-space": "pre-wrap" }}>{JSON.stringify(c().jsonLd, null, 2)}</pre>
      </details>
      <p class="small muted">
        Version {c().version} · {formatNumber(c().wordCount)} words · {c().provider}/{c().model} · keywords covered: {c().keywordsCovered.join(", ")}
      </p>
    </div>
  );
}

function headingsOf(html: string): { level: number; text: string }[] {
  const doc = new DOMParser().parseFromString(html, "text/html");
  return [...doc.querySelectorAll("h2, h3, h4")].map((h) => ({ level: Number(h.tagName[1]), text: h.textContent ?? "" }));
}

function Editor(props: { siteId: string; content: Content }) {
  const [title, setTitle] = createSignal("");
  const [slug, setSlug] = createSignal("");
  const [metaTitle, setMetaTitle] = createSignal("");
  const [metaDescription, setMetaDescription] = createSignal("");
  const [excerpt, setExcerpt] = createSignal("");
  const [html, setHtml] = createSignal("");
  const [faq, setFaq] = createSignal<{ question: string; answer: string }[]>([]);
  const [note, setNote] = createSignal("");
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  createEffect(
    on(
      () => props.content.version,
      () => {
        const c = props.content;
        setTitle(c.title);
        setSlug(c.slug);
        setMetaTitle(c.metaTitle);
        setMetaDescription(c.metaDescription);
        setExcerpt(c.excerpt);
        setHtml(c.html);
        setFaq(c.faq.map((f) => ({ ...f })));
      },
    ),
  );

  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await editContent(props.siteId, props.content.contentId, {
        expectedVersion: props.content.version,
        title: title(),
        slug: slug(),
        metaTitle: metaTitle(),
        metaDescription: metaDescription(),
        excerpt: excerpt(),
        html: html(),
        faq: faq().filter((f) => f.question.trim() && f.answer.trim()),
        note: note().trim() || "Edited in the dashboard",
      });
      setNote("");
      await invalidate("sites", props.siteId, "contents");
      toast("Saved as a new version");
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="stack" onSubmit={save}>
      <ErrorMessage error={error()} />
      <section class="card stack" aria-labelledby="meta-title">
        <h2 id="meta-title">Title and search appearance</h2>
        <TextField label="Title" name="title" value={title()} onInput={setTitle} error={error()} />
        <div class="grid">
          <TextField label="Slug" name="slug" value={slug()} onInput={setSlug} error={error()} />
          <TextField label="Meta title" name="metaTitle" hint={`${metaTitle().length} of about 60 characters`} value={metaTitle()} onInput={setMetaTitle} error={error()} />
        </div>
        <div class="field">
          <label for="meta-description">Meta description</label>
          <textarea id="meta-description" rows={2} value={metaDescription()} onInput={(e) => setMetaDescription(e.currentTarget.value)} />
          <span class="hint">{metaDescription().length} of about 155 characters</span>
        </div>
        <div class="field">
          <label for="excerpt">Excerpt</label>
          <textarea id="excerpt" rows={2} value={excerpt()} onInput={(e) => setExcerpt(e.currentTarget.value)} />
        </div>
      </section>
      <section class="card stack" aria-labelledby="body-title">
        <h2 id="body-title">Body</h2>
        <details>
          <summary>Headings ({headingsOf(html()).length})</summary>
          <ul>
            <For each={headingsOf(html())}>{(h) => <li style={{ "margin-left": `${(h.level - 2) * 1.25}rem` }}>{h.text}</li>}</For>
          </ul>
        </details>
        <div class="field">
          <label for="body-html">HTML</label>
          <textarea id="body-html" rows={18} style={{ "font-family": "var(--mono)", "font-size": "0.85rem" }} value={html()} onInput={(e) => setHtml(e.currentTarget.value)} />
          <span class="hint">Images are written as &lt;img src="/media/IMAGE_ID.png"&gt;; scripts and unsafe attributes are removed on save.</span>
        </div>
      </section>
      <section class="card stack" aria-labelledby="faq-title">
        <h2 id="faq-title">FAQ</h2>
        <For each={faq()}>
          {(item, index) => (
            <fieldset class="stack">
              <legend>Question {index() + 1}</legend>
              <TextField
                label="Question"
                name={`faq-q-${index()}`}
                value={item.question}
                onInput={(value) => setFaq((list) => list.map((f, i) => (i === index() ? { ...f, question: value } : f)))}
              />
              <div class="field">
                <label for={`faq-a-${index()}`}>Answer</label>
                <textarea
                  id={`faq-a-${index()}`}
                  rows={3}
                  value={item.answer}
                  onInput={(e) => {
                    const value = e.currentTarget.value;
                    setFaq((list) => list.map((f, i) => (i === index() ? { ...f, answer: value } : f)));
                  }}
                />
              </div>
              <div>
                <Button size="small" kind="ghost" onClick={() => setFaq((list) => list.filter((_, i) => i !== index()))}>
                  Remove question
                </Button>
              </div>
            </fieldset>
          )}
        </For>
        <div>
          <Button size="small" onClick={() => setFaq((list) => [...list, { question: "", answer: "" }])}>
            Add a question
          </Button>
        </div>
      </section>
      <div class="row card" style={{ "align-items": "flex-end" }}>
        <div style={{ flex: 1 }}>
          <TextField label="What changed" name="note" hint="Kept with the version." value={note()} onInput={setNote} />
        </div>
        <Button type="submit" kind="primary" busy={busy()}>
          Save new version
        </Button>
      </div>
    </form>
  );
}

function GalleryImage(props: { siteId: string; image: Image }) {
  const url = useImageUrl(() => props.siteId, () => props.image.imageId);
  const [alt, setAlt] = createSignal(props.image.alt);
  const p = () => props.image.provenance;
  return (
    <figure data-testid="gallery-image">
      <Show when={url()} fallback={<div style={{ "aspect-ratio": "16/10", background: "var(--surface-2)" }} />}>
        <img src={url()} alt={props.image.alt} />
      </Show>
      <figcaption class="stack" style={{ gap: "0.3rem" }}>
        <div class="row">
          <Badge tone="info">{props.image.placement}</Badge>
          <Show when={p().offline}>
            <Badge tone="warn">offline</Badge>
          </Show>
          <span class="small muted">
            {props.image.width}×{props.image.height}
          </span>
        </div>
        <span class="small">
          AI-generated by {p().provider}/{p().model}, {formatDate(p().generatedAt)}
        </span>
        <details class="small">
          <summary>Prompt</summary>
          {p().revisedPrompt ?? p().prompt}
        </details>
        <form
          class="row"
          onSubmit={async (event) => {
            event.preventDefault();
            try {
              await updateImage(props.siteId, props.image.imageId, { alt: alt() });
              toast("Alt text saved");
            } catch (error) {
              toastError(error);
            }
          }}
        >
          <label class="visually-hidden" for={`alt-${props.image.imageId}`}>
            Alt text
          </label>
          <input id={`alt-${props.image.imageId}`} value={alt()} onInput={(e) => setAlt(e.currentTarget.value)} style={{ flex: 1 }} />
          <Button size="small" type="submit">
            Save
          </Button>
        </form>
      </figcaption>
    </figure>
  );
}

export function Gallery(props: { siteId: string; contentId: string }) {
  const images = useImages(() => props.siteId, () => props.contentId);
  return (
    <>
      <ErrorMessage error={images.error} />
      <Show when={images.data} fallback={<Loading />}>
        <Show when={images.data!.length > 0} fallback={<Empty title="No images for this content" />}>
          <div class="gallery">
            <For each={images.data}>{(image) => <GalleryImage siteId={props.siteId} image={image} />}</For>
          </div>
        </Show>
      </Show>
    </>
  );
}

function Versions(props: { siteId: string; content: Content }) {
  const versions = useVersions(() => props.siteId, () => props.content.contentId);
  const [diff, setDiff] = createSignal<ContentDiff>();
  const [error, setError] = createSignal<unknown>();
  const compare = async (version: number) => {
    setError(undefined);
    try {
      setDiff(await contentDiff(props.siteId, props.content.contentId, version, props.content.version));
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <div class="stack">
      <ErrorMessage error={versions.error ?? error()} />
      <Show when={versions.data} fallback={<Loading />}>
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Source</th>
                <th scope="col">Note</th>
                <th scope="col">Words</th>
                <th scope="col">When</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={versions.data}>
                {(v) => (
                  <tr>
                    <td>
                      {v.version}
                      {v.version === props.content.version ? " (current)" : ""}
                    </td>
                    <td>{v.source}</td>
                    <td>{v.note}</td>
                    <td>{formatNumber(v.wordCount)}</td>
                    <td>{formatDate(v.createdAt)}</td>
                    <td>
                      <Show when={v.version !== props.content.version}>
                        <div class="row">
                          <Button size="small" onClick={() => compare(v.version)}>
                            Compare with current
                          </Button>
                          <Button
                            size="small"
                            onClick={async () => {
                              try {
                                await restoreVersion(props.siteId, props.content.contentId, v.version);
                                await invalidate("sites", props.siteId, "contents");
                                setDiff(undefined);
                                toast(`Version ${v.version} restored as a new version`);
                              } catch (caught) {
                                toastError(caught);
                              }
                            }}
                          >
                            Restore
                          </Button>
                        </div>
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
      <Show when={diff()}>
        {(d) => (
          <section class="card stack diff" aria-labelledby="diff-title" data-testid="content-diff">
            <h2 id="diff-title">
              Version {d().from} → {d().to}
            </h2>
            <Show when={d().changed} fallback={<p>No differences.</p>}>
              <For each={d().fields.filter((f) => f.changed)}>
                {(field) => (
                  <div>
                    <h3>
                      {field.field} <span class="small muted">+{field.inserted} −{field.deleted}</span>
                    </h3>
                    <p style={{ "white-space": "pre-wrap", "font-size": "0.9rem" }}>
                      <For each={field.parts}>
                        {(part) =>
                          part.op === "insert" ? (
                            <ins>{part.text}</ins>
                          ) : part.op === "delete" ? (
                            <del>{part.text}</del>
                          ) : part.op === "skip" ? (
                            <span class="muted">{`\n… ${part.skipped ?? ""} unchanged lines …\n`}</span>
                          ) : (
                            <span>{part.text}</span>
                          )
                        }
                      </For>
                    </p>
                  </div>
                )}
              </For>
            </Show>
          </section>
        )}
      </Show>
    </div>
  );
}

function Publish(props: { siteId: string; content: Content }) {
  const connections = useConnections(() => props.siteId);
  const records = useRecords(() => props.siteId, () => ({ contentId: props.content.contentId }));
  const [connectionId, setConnectionId] = createSignal("");
  const [mode, setMode] = createSignal<"publish" | "draft" | "future">("publish");
  const [when, setWhen] = createSignal("");
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  createEffect(() => {
    if (!connectionId() && connections.data?.[0]) setConnectionId(connections.data[0].connectionId);
  });
  const name = (id: string) => connections.data?.find((c) => c.connectionId === id)?.name ?? id;

  return (
    <div class="stack">
      <Show
        when={connections.data?.length !== 0}
        fallback={
          <Empty title="No WordPress connection">
            <p>
              <A href={`/sites/${props.siteId}/connections`}>Connect a WordPress site</A> to publish.
            </p>
          </Empty>
        }
      >
        <form
          class="card stack"
          aria-labelledby="publish-title"
          onSubmit={async (event) => {
            event.preventDefault();
            setBusy(true);
            setError(undefined);
            try {
              const result = await publish(props.siteId, {
                contentId: props.content.contentId,
                connectionId: connectionId(),
                status: mode(),
                ...(mode() === "future" ? { scheduledAt: new Date(when()).toISOString() } : {}),
              });
              await Promise.all([invalidate("sites", props.siteId, "publishing"), invalidate("sites", props.siteId, "tasks")]);
              toast(result.record.status === "scheduled" ? "Scheduled" : result.record.status === "draft" ? "Sent as a draft" : "Published");
              for (const warning of result.warnings) toast(warning.message, "error");
            } catch (caught) {
              setError(caught);
            } finally {
              setBusy(false);
            }
          }}
        >
          <h2 id="publish-title">Publish to WordPress</h2>
          <ErrorMessage error={error()} />
          <div class="grid">
            <SelectField
              label="Connection"
              name="connectionId"
              value={connectionId()}
              onChange={setConnectionId}
              options={(connections.data ?? []).map((c) => ({ value: c.connectionId, label: `${c.name} (${c.url})` }))}
              error={error()}
            />
            <SelectField
              label="How"
              name="status"
              value={mode()}
              onChange={setMode}
              options={[
                { value: "publish", label: "Publish now" },
                { value: "draft", label: "Send as a draft" },
                { value: "future", label: "Schedule" },
              ]}
              error={error()}
            />
            <Show when={mode() === "future"}>
              <TextField label="Publish at" name="scheduledAt" type="datetime-local" value={when()} onInput={setWhen} error={error()} />
            </Show>
          </div>
          <div>
            <Button type="submit" kind="primary" busy={busy()} disabled={!connectionId() || (mode() === "future" && !when())}>
              {mode() === "future" ? "Schedule" : mode() === "draft" ? "Send draft" : "Publish"}
            </Button>
          </div>
        </form>
      </Show>
      <ErrorMessage error={records.error} />
      <For each={records.data}>{(record) => <RecordCard siteId={props.siteId} record={record} connectionName={name(record.connectionId)} />}</For>
    </div>
  );
}
