import {
  A,
  Navigate,
  type RouteSectionProps,
  useLocation,
  useNavigate,
  useParams,
} from "@solidjs/router";
import { createEffect, createSignal, For, type JSX, Show, Suspense } from "solid-js";
import { logOut, switchAccount, useMe } from "../data/account";
import { session } from "../data/session";
import { selectedSector, selectSector, useSectors, useSites } from "../data/sites";
import { Loading, setTheme, type ThemeChoice, theme, toastError } from "../ui";

const LAST_SITE = "igny8.site";

/** The signed-in frame: navigation, the account/site/sector switchers, theme and sign-out. */
export function Shell(props: RouteSectionProps) {
  const location = useLocation();
  return (
    <Show
      when={session()}
      fallback={
        <Navigate
          href={`/log-in?next=${encodeURIComponent(location.pathname + location.search)}`}
        />
      }
    >
      <SignedIn>{props.children}</SignedIn>
    </Show>
  );
}

function SignedIn(props: { children: JSX.Element }) {
  const params = useParams();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = createSignal(false);
  const sites = useSites();
  const siteId = () =>
    params.siteId ?? localStorage.getItem(LAST_SITE) ?? sites.data?.[0]?.siteId ?? "";

  createEffect(() => {
    if (params.siteId) localStorage.setItem(LAST_SITE, params.siteId);
  });
  createEffect(() => {
    location.pathname;
    setMenuOpen(false);
  });

  const siteLink = (path: string) => (siteId() ? `/sites/${siteId()}${path}` : "/sites");

  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <nav class={`sidebar ${menuOpen() ? "open" : ""}`} aria-label="Main">
        <A href="/" class="brand" end>
          IGNY8
        </A>
        <NavGroup
          title="Planner"
          links={[
            ["Keywords", siteLink("/keywords")],
            ["Imports", siteLink("/imports")],
            ["Clusters", siteLink("/clusters")],
            ["Ideas", siteLink("/ideas")],
          ]}
        />
        <NavGroup
          title="Writer"
          links={[
            ["Tasks", siteLink("/tasks")],
            ["Images", siteLink("/images")],
            ["Thinker", "/thinker"],
          ]}
        />
        <NavGroup
          title="Publisher"
          links={[
            ["Connections", siteLink("/connections")],
            ["Publishing history", siteLink("/publishing")],
            ["Publish many", siteLink("/publishing/runs")],
          ]}
        />
        <NavGroup title="Operations" links={[["Pipeline runs", "/runs"]]} />
        <NavGroup
          title="Account"
          links={[
            ["Sites", "/sites"],
            ["Members", "/settings/members"],
            ["API keys", "/settings/api-keys"],
            ["Plan and usage", "/settings/plan"],
            ["Settings", "/settings/account"],
          ]}
        />
      </nav>
      <div>
        <header class="topbar">
          <button
            type="button"
            class="button ghost menu-button"
            aria-expanded={menuOpen()}
            aria-label="Menu"
            onClick={() => setMenuOpen(!menuOpen())}
          >
            ☰
          </button>
          <AccountSwitcher />
          <SiteSwitcher siteId={siteId()} sites={sites.data ?? []} />
          <Show when={params.siteId}>
            <SectorSwitcher siteId={params.siteId!} />
          </Show>
          <span class="spacer" />
          <ThemeSwitcher />
          <SignOut />
        </header>
        <main id="main" class="main" tabindex="-1">
          <Suspense fallback={<Loading />}>{props.children}</Suspense>
        </main>
      </div>
    </div>
  );
}

function NavGroup(props: { title: string; links: [string, string][] }) {
  return (
    <div class="nav-group">
      <h2>{props.title}</h2>
      <For each={props.links}>
        {([label, href]) => (
          <A href={href} activeClass="active" end>
            {label}
          </A>
        )}
      </For>
    </div>
  );
}

function AccountSwitcher() {
  const me = useMe();
  const navigate = useNavigate();
  const current = () => me.data?.memberships.find((m) => m.current);
  return (
    <Show when={me.data}>
      <Show
        when={(me.data?.memberships.length ?? 0) > 1}
        fallback={<strong data-testid="account-name">{current()?.accountName}</strong>}
      >
        <label class="visually-hidden" for="account-switcher">
          Account
        </label>
        <select
          id="account-switcher"
          style={{ width: "auto" }}
          value={current()?.accountId}
          onChange={async (event) => {
            const accountId = event.currentTarget.value;
            try {
              // Leave the site screens first: nothing of this account's sites is asked for in the next.
              localStorage.removeItem(LAST_SITE);
              navigate("/sites");
              await switchAccount(accountId);
              navigate("/");
            } catch (error) {
              toastError(error);
            }
          }}
        >
          <For each={me.data?.memberships}>
            {(m) => (
              <option value={m.accountId} selected={m.current}>
                {m.accountName}
              </option>
            )}
          </For>
        </select>
      </Show>
      <span class="badge" data-testid="account-role" title="Your role in this account">
        {current()?.role}
      </span>
    </Show>
  );
}

function SiteSwitcher(props: { siteId: string; sites: { siteId: string; name: string }[] }) {
  const navigate = useNavigate();
  const location = useLocation();
  const params = useParams();
  return (
    <Show when={props.sites.length > 0}>
      <label class="visually-hidden" for="site-switcher">
        Site
      </label>
      <select
        id="site-switcher"
        style={{ width: "auto", "max-width": "14rem" }}
        value={props.siteId}
        onChange={(event) => {
          const next = event.currentTarget.value;
          localStorage.setItem(LAST_SITE, next);
          // Stay on the same screen for the other site (a record's page goes back to its list).
          if (params.siteId) {
            const rest = location.pathname.split("/").slice(3, 4).join("/");
            navigate(`/sites/${next}${rest ? `/${rest}` : ""}`);
          } else navigate(`/sites/${next}`);
        }}
      >
        <For each={props.sites}>
          {(site) => (
            <option value={site.siteId} selected={site.siteId === props.siteId}>
              {site.name}
            </option>
          )}
        </For>
      </select>
    </Show>
  );
}

function SectorSwitcher(props: { siteId: string }) {
  const sectors = useSectors(() => props.siteId);
  return (
    <Show when={(sectors.data?.length ?? 0) > 0}>
      <label class="visually-hidden" for="sector-switcher">
        Sector
      </label>
      <select
        id="sector-switcher"
        style={{ width: "auto", "max-width": "12rem" }}
        value={selectedSector(props.siteId)}
        onChange={(event) => selectSector(props.siteId, event.currentTarget.value)}
      >
        <option value="">All sectors</option>
        <For each={sectors.data}>
          {(sector) => (
            <option
              value={sector.sectorId}
              selected={sector.sectorId === selectedSector(props.siteId)}
            >
              {sector.name}
            </option>
          )}
        </For>
      </select>
    </Show>
  );
}

function ThemeSwitcher() {
  return (
    <>
      <label class="visually-hidden" for="theme-switcher">
        Theme
      </label>
      <select
        id="theme-switcher"
        style={{ width: "auto" }}
        value={theme()}
        onChange={(event) => setTheme(event.currentTarget.value as ThemeChoice)}
      >
        <option value="system">System theme</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </>
  );
}

function SignOut() {
  const navigate = useNavigate();
  const me = useMe();
  return (
    <div class="row">
      <span class="small muted" data-testid="user-email">
        {me.data?.user.email}
      </span>
      <button
        type="button"
        class="button small"
        onClick={async () => {
          await logOut();
          navigate("/log-in");
        }}
      >
        Log out
      </button>
    </div>
  );
}
