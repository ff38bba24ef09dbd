import { createEffect, createSignal, Show } from "solid-js";
import { api, done } from "../../data/client";
import { canManage, currentRole, renameAccount, useAccount, useMe } from "../../data/account";
import { invalidate } from "../../data/query";
import { Button, ErrorMessage, formatDate, PageHeader, TextField, toast } from "../../ui";

/** The account's name, and the signed-in person's profile and password. */
export default function AccountSettings() {
  const account = useAccount();
  const me = useMe();
  const [name, setName] = createSignal("");
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  createEffect(() => account.data && setName(account.data.name));

  return (
    <>
      <PageHeader title="Settings" description="The account and your own profile." />
      <ErrorMessage error={account.error} />
      <Show when={account.data}>
        {(data) => (
          <form
            class="card stack"
            aria-labelledby="account-title"
            onSubmit={async (event) => {
              event.preventDefault();
              setBusy(true);
              setError(undefined);
              try {
                await renameAccount(name().trim());
                await Promise.all([invalidate("account"), invalidate("me")]);
                toast("Account renamed");
              } catch (caught) {
                setError(caught);
              } finally {
                setBusy(false);
              }
            }}
          >
            <h2 id="account-title">Account</h2>
            <p class="muted small">
              Plan {data().planId} · created {formatDate(data().createdAt)} · {data().status}
            </p>
            <ErrorMessage error={error()} />
            <TextField
              label="Account name"
              name="name"
              value={name()}
              onInput={setName}
              error={error()}
              disabled={!canManage(currentRole(me.data))}
            />
            <div>
              <Button type="submit" kind="primary" busy={busy()} disabled={!canManage(currentRole(me.data))}>
                Save
              </Button>
            </div>
          </form>
        )}
      </Show>
      <PasswordForm />
    </>
  );
}

function PasswordForm() {
  const [current, setCurrent] = createSignal("");
  const [next, setNext] = createSignal("");
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  return (
    <form
      class="card stack"
      aria-labelledby="password-title"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setError(undefined);
        try {
          await done(api.POST("/v1/auth/password", { body: { currentPassword: current(), newPassword: next() } }));
          setCurrent("");
          setNext("");
          toast("Password changed; your other sessions were signed out");
        } catch (caught) {
          setError(caught);
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2 id="password-title">Your password</h2>
      <ErrorMessage error={error()} />
      <TextField label="Current password" name="currentPassword" type="password" autocomplete="current-password" value={current()} onInput={setCurrent} error={error()} />
      <TextField label="New password" name="newPassword" type="password" autocomplete="new-password" hint="At least 10 characters." value={next()} onInput={setNext} error={error()} />
      <div>
        <Button type="submit" busy={busy()}>
          Change password
        </Button>
      </div>
    </form>
  );
}
