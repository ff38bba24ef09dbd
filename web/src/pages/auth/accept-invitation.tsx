import { A, useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { acceptInvitation, logIn } from "../../data/account";
import { ApiError } from "../../data/errors";
import { session } from "../../data/session";
import { Button, ErrorMessage, TextField } from "../../ui";
import { AuthFrame } from "./form";

/**
 * The link in an invitation e-mail. A new person gives a name and a password; someone who
 * already has a user accepts as they are and logs in.
 */
export default function AcceptInvitation() {
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const token = () => (Array.isArray(search.token) ? search.token[0] : search.token) ?? "";
  const [name, setName] = createSignal("");
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  const [accepted, setAccepted] = createSignal<{ newUser: boolean }>();
  const [needsProfile, setNeedsProfile] = createSignal(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const result = await acceptInvitation({
        token: token(),
        ...(needsProfile() ? { name: name().trim(), password: password() } : {}),
      });
      setAccepted(result);
      if (result.newUser && email()) {
        await logIn({ email: email().trim(), password: password() });
        navigate("/", { replace: true });
      }
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === "invitation.profile_required") setNeedsProfile(true);
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame title="Join an account">
      <Show when={token()} fallback={<ErrorMessage error={new ApiError("invitation.invalid", "", 404)} />}>
        <Show
          when={!accepted()}
          fallback={
            <div class="alert ok" role="status">
              You joined the account. <A href={session() ? "/" : "/log-in"}>{session() ? "Open the dashboard" : "Log in to continue"}</A>
            </div>
          }
        >
          <form class="stack" onSubmit={submit} novalidate>
            <p class="muted">You were invited to an IGNY8 account. Accept to join it.</p>
            <ErrorMessage error={isProfileRequired(error()) ? undefined : error()} />
            <Show when={needsProfile()}>
              <p>This e-mail has no IGNY8 user yet: choose your name and a password.</p>
              <TextField label="Your name" name="name" required value={name()} onInput={setName} error={error()} />
              <TextField label="Your e-mail (the invited address)" name="email" type="email" autocomplete="email" value={email()} onInput={setEmail} />
              <TextField
                label="Password"
                name="password"
                type="password"
                autocomplete="new-password"
                hint="At least 10 characters."
                value={password()}
                onInput={setPassword}
                error={error()}
              />
            </Show>
            <Button kind="primary" type="submit" busy={busy()}>
              Accept invitation
            </Button>
          </form>
        </Show>
      </Show>
    </AuthFrame>
  );
}

function isProfileRequired(error: unknown) {
  return error instanceof ApiError && error.code === "invitation.profile_required";
}
