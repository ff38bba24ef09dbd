import { createSignal, For, Show } from "solid-js";
import { createApiKey, revokeApiKey, useApiKeys } from "../../data/account";
import { invalidate } from "../../data/query";
import type { ApiKeyCreated } from "../../data/types";
import { Button, Empty, ErrorMessage, formatDate, Loading, Notice, PageHeader, SelectField, StatusBadge, TextField, toastError } from "../../ui";

type KeyRole = "admin" | "editor" | "viewer";

export default function ApiKeys() {
  const keys = useApiKeys();
  const [name, setName] = createSignal("");
  const [role, setRole] = createSignal<KeyRole>("editor");
  const [created, setCreated] = createSignal<ApiKeyCreated>();
  const [copied, setCopied] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);

  return (
    <>
      <PageHeader title="API keys" description="Keys let scripts and integrations call the IGNY8 API as this account." />
      <Show when={created()}>
        {(key) => (
          <section class="alert warn stack" aria-labelledby="secret-title">
            <h2 id="secret-title">Copy your new key now</h2>
            <p>This is the only time the key {key().key.name} is shown. Store it somewhere safe.</p>
            <div class="row">
              <code data-testid="api-key-secret" style={{ "word-break": "break-all" }}>
                {key().secret}
              </code>
              <Button
                size="small"
                onClick={async () => {
                  await navigator.clipboard?.writeText(key().secret).catch(() => undefined);
                  setCopied(true);
                }}
              >
                {copied() ? "Copied" : "Copy"}
              </Button>
              <Button size="small" kind="ghost" onClick={() => setCreated(undefined)}>
                I stored it
              </Button>
            </div>
          </section>
        )}
      </Show>
      <form
        class="card stack"
        aria-labelledby="new-key-title"
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setError(undefined);
          try {
            setCreated(await createApiKey({ name: name().trim(), role: role() }));
            setCopied(false);
            setName("");
            await invalidate("api-keys");
          } catch (caught) {
            setError(caught);
          } finally {
            setBusy(false);
          }
        }}
      >
        <h2 id="new-key-title">Create a key</h2>
        <ErrorMessage error={error()} />
        <div class="grid">
          <TextField label="Name" name="name" hint="What uses it, e.g. Zapier." value={name()} onInput={setName} error={error()} />
          <SelectField
            label="Role"
            name="role"
            value={role()}
            onChange={setRole}
            options={[
              { value: "admin", label: "Admin" },
              { value: "editor", label: "Editor" },
              { value: "viewer", label: "Viewer (read only)" },
            ]}
            error={error()}
          />
        </div>
        <div>
          <Button type="submit" kind="primary" busy={busy()}>
            Create key
          </Button>
        </div>
      </form>
      <section class="card stack" aria-labelledby="keys-title">
        <h2 id="keys-title">Keys</h2>
        <ErrorMessage error={keys.error} />
        <Show when={keys.data} fallback={<Loading />}>
          <Show when={keys.data!.length > 0} fallback={<Empty title="No API keys yet" />}>
            <div class="table-wrap">
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Key</th>
                    <th scope="col">Role</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Status</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={keys.data}>
                    {(key) => (
                      <tr>
                        <td>{key.name}</td>
                        <td>
                          <code>{key.prefix}…</code>
                        </td>
                        <td>{key.role}</td>
                        <td>{formatDate(key.lastUsedAt)}</td>
                        <td>
                          <StatusBadge status={key.revokedAt ? "revoked" : "active"} />
                        </td>
                        <td>
                          <Show when={!key.revokedAt}>
                            <Button
                              size="small"
                              kind="danger"
                              onClick={async () => {
                                if (!confirm(`Revoke ${key.name}? Anything using it stops working.`)) return;
                                try {
                                  await revokeApiKey(key.keyId);
                                  await invalidate("api-keys");
                                } catch (caught) {
                                  toastError(caught);
                                }
                              }}
                            >
                              Revoke
                            </Button>
                          </Show>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        </Show>
        <Notice kind="warn">Keys carry the role you give them; a key never has a higher role than its creator.</Notice>
      </section>
    </>
  );
}
