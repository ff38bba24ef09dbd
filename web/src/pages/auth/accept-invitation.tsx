import { useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal, Match, Show, Switch } from "solid-js";
import { acceptInvitation, logIn, switchAccount } from "../../data/account";
import { ApiError } from "../../data/errors";
import { session } from "../../data/session";
import { Button, ErrorMessage, TextField } from "../../ui";
import { AuthFrame } from "./form";

/**
 * The link in an invitation e-mail. A new person gives a name and a password and is signed in;
 * someone who already has a user accepts, then logs in (or, already signed in, is switched) into
 * the account they joined.
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
  /** The account joined, once the invitation is accepted by an existing user who still has to log in. */
  const [joined, setJoined] = createSignal<string>();
  const [needsProfile, setNeedsProfile] = createSignal(false);

  const enter = async (accountId: string) => {
    const current = session();
    if (current && current.accountId !== accountId) await switchAccount(accountId);
    navigate("/", { replace: true });
  };

  const accept = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const result = await acceptInvitation({
        token: token(),
        ...(needsProfile() ? { name: name().trim(), password: password() } : {}),
      });
      if (result.newUser) {
        // The new user signs in straight into the account that invited them.
        await logIn({
          email: email().trim(),
          password: password(),
          accountId: result.accountId,
        }).catch((caught) => {
          // The user exists now: a mistyped e-mail only needs another log-in.
          setJoined(result.accountId);
          throw caught;
        });
        navigate("/", { replace: true });
      } else if (session()) {
        await enter(result.accountId).catch((caught) => {
          // Signed in as someone else: the invitation is accepted for the invited user all the same.
          setJoined(result.accountId);
          throw caught;
        });
      } else {
        setPassword("");
        setJoined(result.accountId);
      }
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === "invitation.profile_required")
        setNeedsProfile(true);
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const logInToJoined = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await logIn({ email: email().trim(), password: password(), accountId: joined() });
      navigate("/", { replace: true });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame title="Join an account">
      <Show
        when={token()}
        fallback={<ErrorMessage error={new ApiError("invitation.invalid", "", 404)} />}
      >
        <Switch>
          <Match when={joined()}>
            <form class="stack" onSubmit={logInToJoined} novalidate>
              <div class="alert ok" role="status">
                You joined the account. Log in with your IGNY8 user to open it.
              </div>
              <ErrorMessage error={error()} />
              <TextField
                label="E-mail"
                name="email"
                type="email"
                autocomplete="email"
                required
                value={email()}
                onInput={setEmail}
                error={error()}
              />
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
          </Match>
          <Match when={!joined()}>
            <form class="stack" onSubmit={accept} novalidate>
              <p class="muted">You were invited to an IGNY8 account. Accept to join it.</p>
              <ErrorMessage error={isProfileRequired(error()) ? undefined : error()} />
              <Show when={needsProfile()}>
                <p>This e-mail has no IGNY8 user yet: choose your name and a password.</p>
                <TextField
                  label="Your name"
                  name="name"
                  required
                  value={name()}
                  onInput={setName}
                  error={error()}
                />
                <TextField
                  label="Your e-mail (the invited address)"
                  name="email"
                  type="email"
                  autocomplete="email"
                  required
                  value={email()}
                  onInput={setEmail}
                />
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
          </Match>
        </Switch>
      </Show>
    </AuthFrame>
  );
}

function isProfileRequired(error: unknown) {
  return error instanceof ApiError && error.code === "invitation.profile_required";
}
