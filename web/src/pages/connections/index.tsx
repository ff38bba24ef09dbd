import { useParams } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { connectWordPress, deleteConnection, syncConnection, useConnections, validateConnection } from "../../data/publisher";
import { invalidate } from "../../data/query";
import type { Connection } from "../../data/types";
import { Badge, Button, Empty, ErrorMessage, formatDate, Loading, PageHeader, StatusBadge, TextField, toast, toastError } from "../../ui";

/** WordPress connections of the site, each with what validation found. */
export default function Connections() {
  const params = useParams();
  const siteId = () => params.siteId!;
  const connections = useConnections(siteId);
  return (
    <>
      <PageHeader title="WordPress connections" description="Publish to WordPress with an Application Password (Users → Profile → Application Passwords)." />
      <ConnectForm siteId={siteId()} />
      <ErrorMessage error={connections.error} />
      <Show when={connections.data} fallback={<Loading />}>
        <Show when={connections.data!.length > 0} fallback={<Empty title="No WordPress site connected yet" />}>
          <div class="stack">
            <For each={connections.data}>{(connection) => <ConnectionCard siteId={siteId()} connection={connection} />}</For>
          </div>
        </Show>
      </Show>
    </>
  );
}

function ConnectForm(props: { siteId: string }) {
  const [url, setUrl] = createSignal("");
  const [username, setUsername] = createSignal("");
  const [appPassword, setAppPassword] = createSignal("");
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  return (
    <form
      class="card stack"
      aria-labelledby="connect-title"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setError(undefined);
        try {
          const connection = await connectWordPress(props.siteId, { url: url().trim(), username: username().trim(), appPassword: appPassword().trim() });
          setAppPassword("");
          await invalidate("sites", props.siteId, "connections");
          toast(connection.status === "connected" ? "Connected" : "Saved, but the connection check failed");
        } catch (caught) {
          setError(caught);
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2 id="connect-title">Connect a WordPress site</h2>
      <ErrorMessage error={error()} />
      <div class="grid">
        <TextField label="Site address" name="url" type="url" placeholder="https://example.com" value={url()} onInput={setUrl} error={error()} />
        <TextField label="WordPress user name" name="username" autocomplete="off" value={username()} onInput={setUsername} error={error()} />
        <TextField
          label="Application Password"
          name="appPassword"
          type="password"
          autocomplete="off"
          hint="Stored encrypted; never shown again."
          value={appPassword()}
          onInput={setAppPassword}
          error={error()}
        />
      </div>
      <div>
        <Button type="submit" kind="primary" busy={busy()}>
          Connect and check
        </Button>
      </div>
    </form>
  );
}

function ConnectionCard(props: { siteId: string; connection: Connection }) {
  const c = () => props.connection;
  const [busy, setBusy] = createSignal<"" | "validate" | "sync">("");
  const act = async (kind: "validate" | "sync") => {
    setBusy(kind);
    try {
      if (kind === "validate") await validateConnection(props.siteId, c().connectionId);
      else await syncConnection(props.siteId, c().connectionId);
      await invalidate("sites", props.siteId, "connections");
      toast(kind === "validate" ? "Checked again" : "Categories, tags and authors synced");
    } catch (error) {
      toastError(error);
    } finally {
      setBusy("");
    }
  };
  const can = () => c().report?.can;
  return (
    <article class="card stack" aria-labelledby={`conn-${c().connectionId}`} data-testid="connection">
      <div class="row">
        <h2 id={`conn-${c().connectionId}`} style={{ margin: 0, flex: 1 }}>
          {c().name} <span class="muted small">{c().url}</span>
        </h2>
        <StatusBadge status={c().status} />
      </div>
      <Show when={c().lastError}>
        {(failure) => (
          <div class="alert error" role="alert">
            {failure().message} <span class="request-id">{failure().code} · {formatDate(failure().at)}</span>
          </div>
        )}
      </Show>
      <Show when={c().report}>
        {(report) => (
          <div class="stack" style={{ gap: "0.4rem" }}>
            <p class="small">
              {report().site.name} · signed in as <strong>{report().user.username}</strong> ({report().user.role}) · checked {formatDate(c().validatedAt)}
            </p>
            <ul class="row" style={{ "list-style": "none", padding: 0, margin: 0 }} aria-label="What this user can do">
              <Capability ok={can()?.publishPosts} label="Publish posts" />
              <Capability ok={can()?.publishPages} label="Publish pages" />
              <Capability ok={can()?.uploadMedia} label="Upload images" />
              <Capability ok={can()?.createCategories} label="Create categories" />
              <Capability ok={can()?.unfilteredHtml} label="Embeds and scripts" />
            </ul>
            <Show when={report().limitations.length > 0}>
              <ul class="small">
                <For each={report().limitations}>{(limitation) => <li>{limitation.message}</li>}</For>
              </ul>
            </Show>
          </div>
        )}
      </Show>
      <Show when={c().catalog}>
        {(catalog) => (
          <p class="small muted">
            Synced {formatDate(catalog().syncedAt)}: {catalog().categories} categories, {catalog().tags} tags, {catalog().authors} authors.
          </p>
        )}
      </Show>
      <div class="row">
        <Button size="small" busy={busy() === "validate"} onClick={() => act("validate")}>
          Check again
        </Button>
        <Button size="small" busy={busy() === "sync"} onClick={() => act("sync")}>
          Sync categories and tags
        </Button>
        <Button
          size="small"
          kind="danger"
          onClick={async () => {
            if (!confirm(`Disconnect ${c().name}? Published posts stay on WordPress.`)) return;
            try {
              await deleteConnection(props.siteId, c().connectionId);
              await invalidate("sites", props.siteId, "connections");
            } catch (error) {
              toastError(error);
            }
          }}
        >
          Disconnect
        </Button>
      </div>
    </article>
  );
}

function Capability(props: { ok: boolean | undefined; label: string }) {
  return (
    <li>
      <Badge tone={props.ok ? "ok" : "warn"}>
        <span aria-hidden="true">{props.ok ? "✓" : "✗"}</span> {props.label}
        <span class="visually-hidden">{props.ok ? ": yes" : ": no"}</span>
      </Badge>
    </li>
  );
}
