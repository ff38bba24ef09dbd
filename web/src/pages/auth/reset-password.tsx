import { A, useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { requestPasswordReset, resetPassword } from "../../data/account";
import { Button, ErrorMessage, TextField } from "../../ui";
import { AuthFrame } from "./form";

/** Ask for a reset link by e-mail, or (with ?token= from that e-mail) set a new password. */
export default function ResetPassword() {
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const token = () => (Array.isArray(search.token) ? search.token[0] : search.token) ?? "";
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [sent, setSent] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (token()) {
        await resetPassword(token(), password());
        navigate("/log-in?reset=done", { replace: true });
      } else {
        await requestPasswordReset(email().trim());
        setSent(true);
      }
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame title={token() ? "Choose a new password" : "Reset your password"} footer={<p class="small"><A href="/log-in">Back to log in</A></p>}>
      <Show
        when={!sent()}
        fallback={
          <div class="alert ok" role="status">
            If an account uses {email()}, a reset link is on its way.
          </div>
        }
      >
        <form class="stack" onSubmit={submit} novalidate>
          <ErrorMessage error={error()} />
          <Show
            when={token()}
            fallback={<TextField label="E-mail" name="email" type="email" autocomplete="email" value={email()} onInput={setEmail} error={error()} />}
          >
            <TextField
              label="New password"
              name="newPassword"
              type="password"
              autocomplete="new-password"
              hint="At least 10 characters."
              value={password()}
              onInput={setPassword}
              error={error()}
            />
          </Show>
          <Button kind="primary" type="submit" busy={busy()}>
            {token() ? "Set password" : "Send reset link"}
          </Button>
        </form>
      </Show>
    </AuthFrame>
  );
}
