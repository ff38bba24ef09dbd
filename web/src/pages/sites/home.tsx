import { Navigate } from "@solidjs/router";
import { Match, Switch } from "solid-js";
import { useSites } from "../../data/sites";
import { ErrorMessage, Loading } from "../../ui";

/** "/": the last site used, else the first, else the sites page to add one. */
export default function Home() {
  const sites = useSites();
  const target = () => {
    const list = sites.data ?? [];
    const last = localStorage.getItem("igny8.site");
    const site = list.find((s) => s.siteId === last) ?? list[0];
    return site ? `/sites/${site.siteId}` : "/sites";
  };
  return (
    <Switch fallback={<Loading />}>
      <Match when={sites.error}>
        <ErrorMessage error={sites.error} />
      </Match>
      <Match when={sites.data}>
        <Navigate href={target()} />
      </Match>
    </Switch>
  );
}
