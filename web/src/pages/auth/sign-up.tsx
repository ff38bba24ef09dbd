import { A, useNavigate } from "@solidjs/router";
import { createSignal } from "solid-js";
import { signUp } from "../../data/account";
import { Button, ErrorMessage, TextField } from "../../ui";
import { AuthFrame } from "./form";

export default function SignUp() {
  const navigate = useNavigate();
  const [name, setName] = createSignal("");
  const [accountName, setAccountName] = createSignal("");
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signUp({ name: name().trim(), accountName: accountName().trim() || `${name().trim()}'s account`, email: email().trim(), password: password() });
      navigate("/sites?welcome=1", { replace: true });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame title="Create your account" footer={<p class="small">Already have an account? <A href="/log-in">Log in</A></p>}>
      <form class="stack" onSubmit={submit} novalidate>
        <ErrorMessage error={error()} />
        <TextField label="Your name" name="name" autocomplete="name" required value={name()} onInput={setName} error={error()} />
        <TextField
          label="Account name"
          name="accountName"
          hint="Your company or team; you can change it later."
          autocomplete="organization"
          value={accountName()}
          onInput={setAccountName}
          error={error()}
        />
        <TextField label="E-mail" name="email" type="email" autocomplete="email" required value={email()} onInput={setEmail} error={error()} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autocomplete="new-password"
          hint="At least 10 characters."
          required
          value={password()}
          onInput={setPassword}
          error={error()}
        />
        <Button kind="primary" type="submit" busy={busy()}>
          Create account
        </Button>
      </form>
    </AuthFrame>
  );
}
