import { A, useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { logIn } from "../../data/account";
import { Button, ErrorMessage, TextField } from "../../ui";
import { AuthFrame, nextPath } from "./form";

export default function LogIn() {
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await logIn({ email: email().trim(), password: password() });
      navigate(nextPath(search.next), { replace: true });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame
      title="Log in"
      footer={
        <p class="small">
          New to IGNY8? <A href="/sign-up">Create an account</A> · <A href="/reset-password">Forgot your password?</A>
        </p>
      }
    >
      <Show when={search.reset === "done"}>
        <div class="alert ok" role="status">
          Your password was changed. Log in with the new one.
        </div>
      </Show>
      <form class="stack" onSubmit={submit} novalidate>
        <ErrorMessage error={error()} />
        <TextField label="E-mail" name="email" type="email" autocomplete="email" required value={email()} onInput={setEmail} error={error()} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value={password()}
          onInput={setPassword}
          error={error()}
        />
        <Button kind="primary" type="submit" busy={busy()}>
          Log in
        </Button>
      </form>
    </AuthFrame>
  );
}
