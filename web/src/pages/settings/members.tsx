import { createSignal, For, Show } from "solid-js";
import {
  canManage,
  currentRole,
  invite,
  removeMember,
  revokeInvitation,
  updateMember,
  useInvitations,
  useMe,
  useMembers,
} from "../../data/account";
import { invalidate } from "../../data/query";
import { useSites } from "../../data/sites";
import type { Role } from "../../data/types";
import { Button, Empty, ErrorMessage, formatDate, Loading, PageHeader, SelectField, StatusBadge, TextField, toast, toastError } from "../../ui";

const roles: { value: Role; label: string }[] = [
  { value: "owner", label: "Owner: everything, billing included" },
  { value: "admin", label: "Admin: members, keys, every site" },
  { value: "editor", label: "Editor: plan, write and publish" },
  { value: "viewer", label: "Viewer: read only" },
];

export default function Members() {
  const members = useMembers();
  const invitations = useInvitations();
  const me = useMe();
  const sites = useSites();
  const manager = () => canManage(currentRole(me.data));
  const siteName = (siteId: string) => sites.data?.find((s) => s.siteId === siteId)?.name ?? siteId;

  return (
    <>
      <PageHeader title="Members and roles" description="Who can work in this account, and on which sites." />
      <ErrorMessage error={members.error} />
      <Show when={members.data} fallback={<Loading />}>
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">Members</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Role</th>
                <th scope="col">Sites</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={members.data}>
                {(member) => (
                  <tr>
                    <td>{member.name}</td>
                    <td>{member.email}</td>
                    <td>
                      <Show when={manager() && member.userId !== me.data?.user.userId} fallback={member.role}>
                        <label class="visually-hidden" for={`role-${member.userId}`}>
                          Role of {member.name}
                        </label>
                        <select
                          id={`role-${member.userId}`}
                          value={member.role}
                          onChange={async (event) => {
                            try {
                              await updateMember(member.userId, { role: event.currentTarget.value as Role });
                              await invalidate("members");
                              toast(`${member.name} is now ${event.currentTarget.value}`);
                            } catch (error) {
                              toastError(error);
                              await invalidate("members");
                            }
                          }}
                        >
                          <For each={roles}>{(role) => <option value={role.value} selected={role.value === member.role}>{role.value}</option>}</For>
                        </select>
                      </Show>
                    </td>
                    <td>{member.siteIds ? member.siteIds.map(siteName).join(", ") : "All sites"}</td>
                    <td>
                      <Show when={manager() && member.userId !== me.data?.user.userId}>
                        <Button
                          size="small"
                          kind="danger"
                          onClick={async () => {
                            if (!confirm(`Remove ${member.name} from the account?`)) return;
                            try {
                              await removeMember(member.userId);
                              await invalidate("members");
                            } catch (error) {
                              toastError(error);
                            }
                          }}
                        >
                          Remove
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
      <Show when={manager()}>
        <InviteForm sites={sites.data ?? []} />
        <section class="card stack" aria-labelledby="invitations-title">
          <h2 id="invitations-title">Invitations</h2>
          <ErrorMessage error={invitations.error} />
          <Show when={invitations.data?.length} fallback={<Empty title="No invitations" />}>
            <div class="table-wrap">
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">E-mail</th>
                    <th scope="col">Role</th>
                    <th scope="col">Status</th>
                    <th scope="col">Expires</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={invitations.data}>
                    {(invitation) => (
                      <tr>
                        <td>{invitation.email}</td>
                        <td>{invitation.role}</td>
                        <td>
                          <StatusBadge status={invitation.status} />
                        </td>
                        <td>{formatDate(invitation.expiresOn)}</td>
                        <td>
                          <Show when={invitation.status === "pending"}>
                            <Button
                              size="small"
                              onClick={async () => {
                                try {
                                  await revokeInvitation(invitation.invitationId);
                                  await invalidate("invitations");
                                } catch (error) {
                                  toastError(error);
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
        </section>
      </Show>
    </>
  );
}

function InviteForm(props: { sites: { siteId: string; name: string }[] }) {
  const [email, setEmail] = createSignal("");
  const [role, setRole] = createSignal<Role>("editor");
  const [restricted, setRestricted] = createSignal<string[]>([]);
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  return (
    <form
      class="card stack"
      aria-labelledby="invite-title"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setError(undefined);
        try {
          await invite({ email: email().trim(), role: role(), ...(restricted().length ? { siteIds: restricted() } : {}) });
          setEmail("");
          setRestricted([]);
          await invalidate("invitations");
          toast("Invitation sent");
        } catch (caught) {
          setError(caught);
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2 id="invite-title">Invite someone</h2>
      <ErrorMessage error={error()} />
      <div class="grid">
        <TextField label="E-mail" name="email" type="email" value={email()} onInput={setEmail} error={error()} />
        <SelectField label="Role" name="role" value={role()} onChange={setRole} options={roles} error={error()} />
      </div>
      <Show when={props.sites.length > 0 && role() !== "owner"}>
        <fieldset>
          <legend>Sites (none checked: every site)</legend>
          <div class="row">
            <For each={props.sites}>
              {(site) => (
                <label class="row">
                  <input
                    type="checkbox"
                    checked={restricted().includes(site.siteId)}
                    onChange={(event) =>
                      setRestricted((list) =>
                        event.currentTarget.checked ? [...list, site.siteId] : list.filter((id) => id !== site.siteId),
                      )
                    }
                  />
                  {site.name}
                </label>
              )}
            </For>
          </div>
        </fieldset>
      </Show>
      <div>
        <Button type="submit" kind="primary" busy={busy()}>
          Send invitation
        </Button>
      </div>
    </form>
  );
}
