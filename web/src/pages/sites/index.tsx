import { A, useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal, For, Match, Show, Switch } from "solid-js";
import { canManage, currentRole, useMe } from "../../data/account";
import { invalidate } from "../../data/query";
import { createSector, createSite, useIndustries, useSites } from "../../data/sites";
import { Button, Empty, ErrorMessage, Loading, Notice, PageHeader, SelectField, TextField } from "../../ui";

export default function Sites() {
  const sites = useSites();
  const me = useMe();
  const [search] = useSearchParams();
  const [adding, setAdding] = createSignal(false);
  return (
    <>
      <PageHeader
        title="Sites"
        description="Each site has its own keywords, clusters, content and WordPress connections."
        actions={
          <Show when={canManage(currentRole(me.data)) || currentRole(me.data) === "editor"}>
            <Button kind="primary" onClick={() => setAdding(true)}>
              Add a site
            </Button>
          </Show>
        }
      />
      <Show when={search.welcome}>
        <Notice>Welcome to IGNY8! Start by adding the site you want to plan and write for.</Notice>
      </Show>
      <Show when={adding() || (sites.data && sites.data.length === 0)}>
        <NewSite onDone={() => setAdding(false)} />
      </Show>
      <Switch fallback={<Loading />}>
        <Match when={sites.error}>
          <ErrorMessage error={sites.error} />
        </Match>
        <Match when={sites.data?.length === 0}>
          <Empty title="No sites yet">
            <p>Add your first site above to start planning keywords.</p>
          </Empty>
        </Match>
        <Match when={sites.data}>
          <div class="grid">
            <For each={sites.data}>
              {(site) => (
                <article class="card">
                  <h2>
                    <A href={`/sites/${site.siteId}`}>{site.name}</A>
                  </h2>
                  <p class="muted small">{site.url}</p>
                  <p class="small">
                    {site.kind === "wordpress" ? "WordPress" : "IGNY8 site"} · {site.language}-{site.country}
                  </p>
                </article>
              )}
            </For>
          </div>
        </Match>
      </Switch>
    </>
  );
}

function NewSite(props: { onDone: () => void }) {
  const navigate = useNavigate();
  const industries = useIndustries();
  const [name, setName] = createSignal("");
  const [url, setUrl] = createSignal("https://");
  const [language, setLanguage] = createSignal("en");
  const [country, setCountry] = createSignal("US");
  const [industryId, setIndustryId] = createSignal("");
  const [sector, setSector] = createSignal("");
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const site = await createSite({
        name: name().trim(),
        url: url().trim(),
        kind: "wordpress",
        language: language().trim(),
        country: country().trim().toUpperCase(),
        ...(industryId() ? { industryId: industryId() } : {}),
      });
      // Keywords live in sectors: start with the one named here (or a general one).
      await createSector(site.siteId, { name: sector().trim() || "General" });
      await invalidate("sites");
      props.onDone();
      navigate(`/sites/${site.siteId}`);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card stack" onSubmit={submit} novalidate aria-labelledby="new-site-title">
      <h2 id="new-site-title">Add a site</h2>
      <ErrorMessage error={error()} />
      <div class="grid">
        <TextField label="Site name" name="name" required value={name()} onInput={setName} error={error()} />
        <TextField label="Address" name="url" type="url" required value={url()} onInput={setUrl} error={error()} />
        <TextField label="Language" name="language" hint="A language tag like en or pt-BR." value={language()} onInput={setLanguage} error={error()} />
        <TextField label="Country" name="country" hint="A two-letter code like US." value={country()} onInput={setCountry} error={error()} />
        <SelectField
          label="Industry"
          name="industryId"
          value={industryId()}
          onChange={setIndustryId}
          options={[{ value: "", label: "None" }, ...(industries.data ?? []).map((i) => ({ value: i.industryId, label: i.name }))]}
          error={error()}
        />
        <TextField label="First sector" name="sector" hint="A topic area of the site, e.g. Running shoes." value={sector()} onInput={setSector} />
      </div>
      <div class="row">
        <Button kind="primary" type="submit" busy={busy()}>
          Create site
        </Button>
        <Button kind="ghost" onClick={() => props.onDone()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
