import { createEffect, createSignal, For, Show } from "solid-js";
import { invalidate } from "../../data/query";
import {
  type Author,
  type AuthorCreate,
  createAuthor,
  deleteAuthor,
  type Prompt,
  type PromptKey,
  resetPrompt,
  restorePrompt,
  savePrompt,
  updateAuthor,
  useAuthors,
  usePrompts,
  usePromptVersions,
} from "../../data/writer";
import { Badge, Button, Empty, ErrorMessage, formatDate, Loading, PageHeader, TextField, toast, toastError } from "../../ui";

/** The "Thinker": the prompts every AI function uses (with the account's own versions) and author profiles. */
export default function Thinker() {
  const prompts = usePrompts();
  const [open, setOpen] = createSignal<PromptKey>();
  return (
    <>
      <PageHeader title="Thinker" description="How the AI thinks and writes for this account: prompts per AI function and author profiles." />
      <section class="card stack" aria-labelledby="prompts-title">
        <h2 id="prompts-title">Prompts</h2>
        <ErrorMessage error={prompts.error} />
        <Show when={prompts.data} fallback={<Loading />}>
          <ul class="stack" style={{ "list-style": "none", padding: 0, margin: 0 }}>
            <For each={prompts.data}>
              {(prompt) => (
                <li class="stack" style={{ gap: "0.4rem" }}>
                  <div class="row">
                    <strong style={{ flex: 1 }}>{prompt.key}</strong>
                    <Badge tone={prompt.source === "default" ? undefined : "info"}>
                      {prompt.source === "default" ? "default" : `account v${prompt.version}`}
                    </Badge>
                    <Button size="small" aria-expanded={open() === prompt.key} onClick={() => setOpen(open() === prompt.key ? undefined : prompt.key)}>
                      {open() === prompt.key ? "Close" : "Edit"}
                    </Button>
                  </div>
                  <Show when={open() === prompt.key}>
                    <PromptEditor prompt={prompt} />
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </section>
      <Authors />
    </>
  );
}

function PromptEditor(props: { prompt: Prompt }) {
  const [system, setSystem] = createSignal(props.prompt.system);
  const [template, setTemplate] = createSignal(props.prompt.template);
  const [note, setNote] = createSignal("");
  const [error, setError] = createSignal<unknown>();
  const versions = usePromptVersions(() => props.prompt.key);
  const refresh = () => Promise.all([invalidate("prompts")]);
  return (
    <form
      class="stack card"
      onSubmit={async (event) => {
        event.preventDefault();
        setError(undefined);
        try {
          await savePrompt(props.prompt.key, { system: system(), template: template(), note: note().trim() || "Edited in the dashboard" });
          await refresh();
          toast("Prompt saved as a new version");
        } catch (caught) {
          setError(caught);
        }
      }}
    >
      <ErrorMessage error={error()} />
      <div class="field">
        <label for={`system-${props.prompt.key}`}>System message</label>
        <textarea id={`system-${props.prompt.key}`} rows={4} value={system()} onInput={(e) => setSystem(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={`template-${props.prompt.key}`}>Template</label>
        <textarea
          id={`template-${props.prompt.key}`}
          rows={10}
          style={{ "font-family": "var(--mono)", "font-size": "0.85rem" }}
          value={template()}
          onInput={(e) => setTemplate(e.currentTarget.value)}
        />
        <span class="hint">Variables: {props.prompt.variables.map((v) => `{{${v}}}`).join(" ")}</span>
      </div>
      <TextField label="What changed" name="note" value={note()} onInput={setNote} />
      <div class="row">
        <Button type="submit" kind="primary">
          Save version
        </Button>
        <Show when={props.prompt.source !== "default"}>
          <Button
            onClick={async () => {
              try {
                await resetPrompt(props.prompt.key);
                await refresh();
                toast("Back to the default prompt");
              } catch (caught) {
                toastError(caught);
              }
            }}
          >
            Use the default
          </Button>
        </Show>
      </div>
      <Show when={versions.data?.items.length}>
        <details>
          <summary>Versions ({versions.data!.items.length})</summary>
          <ul class="small">
            <For each={versions.data!.items}>
              {(v) => (
                <li class="row">
                  v{v.version} · {v.cleared ? "reset to default" : v.note} · {formatDate(v.createdAt)}
                  <Show when={!v.cleared}>
                    <Button
                      size="small"
                      kind="ghost"
                      onClick={async () => {
                        try {
                          await restorePrompt(props.prompt.key, v.version);
                          await refresh();
                          toast(`Version ${v.version} restored`);
                        } catch (caught) {
                          toastError(caught);
                        }
                      }}
                    >
                      Restore
                    </Button>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </details>
      </Show>
    </form>
  );
}

const blank: AuthorCreate = { name: "", bio: "", tone: "", audience: "", readingLevel: "", rules: [], brandFacts: [], isDefault: false };

function Authors() {
  const authors = useAuthors();
  const [editing, setEditing] = createSignal<Author | "new">();
  return (
    <section class="card stack" aria-labelledby="authors-title">
      <div class="row">
        <h2 id="authors-title" style={{ flex: 1, margin: 0 }}>
          Author profiles
        </h2>
        <Button onClick={() => setEditing("new")}>New profile</Button>
      </div>
      <p class="muted small">The voice content is written in: tone, audience, reading level, house rules and brand facts.</p>
      <ErrorMessage error={authors.error} />
      <Show when={editing()}>
        <AuthorForm author={editing() === "new" ? undefined : (editing() as Author)} onDone={() => setEditing(undefined)} />
      </Show>
      <Show when={authors.data} fallback={<Loading />}>
        <Show when={authors.data!.length > 0} fallback={<Empty title="No author profiles yet" />}>
          <div class="grid">
            <For each={authors.data}>
              {(author) => (
                <article class="card">
                  <h3>
                    {author.name} <Show when={author.isDefault}><Badge tone="ok">default</Badge></Show>
                  </h3>
                  <p class="small">{author.bio}</p>
                  <p class="small muted">
                    {author.tone} · for {author.audience} · {author.readingLevel}
                  </p>
                  <div class="row">
                    <Button size="small" onClick={() => setEditing(author)}>
                      Edit
                    </Button>
                    <Button
                      size="small"
                      kind="ghost"
                      onClick={async () => {
                        if (!confirm(`Delete the profile ${author.name}?`)) return;
                        try {
                          await deleteAuthor(author.authorId);
                          await invalidate("authors");
                        } catch (error) {
                          toastError(error);
                        }
                      }}
                    >
                      Delete
                    </Button>
                  </div>
                </article>
              )}
            </For>
          </div>
        </Show>
      </Show>
    </section>
  );
}

function AuthorForm(props: { author?: Author; onDone: () => void }) {
  const [form, setForm] = createSignal<AuthorCreate>({ ...blank });
  const [error, setError] = createSignal<unknown>();
  createEffect(() => {
    const a = props.author;
    setForm(a ? { name: a.name, bio: a.bio, tone: a.tone, audience: a.audience, readingLevel: a.readingLevel, rules: a.rules, brandFacts: a.brandFacts, isDefault: a.isDefault } : { ...blank });
  });
  const set = (field: keyof AuthorCreate) => (value: string) => setForm((f) => ({ ...f, [field]: value }));
  const lines = (field: "rules" | "brandFacts") => (value: string) => setForm((f) => ({ ...f, [field]: value.split("\n").map((l) => l.trim()).filter(Boolean) }));
  return (
    <form
      class="card stack"
      onSubmit={async (event) => {
        event.preventDefault();
        setError(undefined);
        try {
          if (props.author) await updateAuthor(props.author.authorId, form());
          else await createAuthor(form());
          await invalidate("authors");
          props.onDone();
        } catch (caught) {
          setError(caught);
        }
      }}
    >
      <ErrorMessage error={error()} />
      <div class="grid">
        <TextField label="Name" name="name" value={form().name} onInput={set("name")} error={error()} />
        <TextField label="Tone" name="tone" hint="e.g. friendly, expert, direct" value={form().tone} onInput={set("tone")} error={error()} />
        <TextField label="Audience" name="audience" value={form().audience} onInput={set("audience")} error={error()} />
        <TextField label="Reading level" name="readingLevel" value={form().readingLevel} onInput={set("readingLevel")} error={error()} />
      </div>
      <div class="field">
        <label for="author-bio">Bio</label>
        <textarea id="author-bio" rows={3} value={form().bio} onInput={(e) => set("bio")(e.currentTarget.value)} />
      </div>
      <div class="grid">
        <div class="field">
          <label for="author-rules">House rules, one per line</label>
          <textarea id="author-rules" rows={4} value={form().rules.join("\n")} onChange={(e) => lines("rules")(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="author-facts">Brand facts, one per line</label>
          <textarea id="author-facts" rows={4} value={form().brandFacts.join("\n")} onChange={(e) => lines("brandFacts")(e.currentTarget.value)} />
        </div>
      </div>
      <label class="row">
        <input type="checkbox" checked={form().isDefault} onChange={(e) => setForm((f) => ({ ...f, isDefault: e.currentTarget.checked }))} />
        Use for new tasks by default
      </label>
      <div class="row">
        <Button type="submit" kind="primary">
          {props.author ? "Save profile" : "Create profile"}
        </Button>
        <Button kind="ghost" onClick={() => props.onDone()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
