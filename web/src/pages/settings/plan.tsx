import { For, Show } from "solid-js";
import { usePlans, useUsage } from "../../data/account";
import { useSites } from "../../data/sites";
import { Credits } from "./credits";
import { Badge, ErrorMessage, formatBytes, formatMoney, humanize, Loading, Meter, PageHeader } from "../../ui";

const megabytes = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

const windows: Record<string, string> = { none: "", day: " today", month: " this month" };

/** The plan, every limit as a meter (per site where the limit is per site), and credits. */
export default function PlanAndUsage() {
  const usage = useUsage();
  const plans = usePlans();
  const sites = useSites();
  const plan = () => plans.data?.find((p) => p.planId === usage.data?.planId);
  const siteName = (siteId: string) => sites.data?.find((s) => s.siteId === siteId)?.name ?? siteId;

  return (
    <>
      <PageHeader title="Plan and usage" description="What your plan allows and how much of it you use." />
      <ErrorMessage error={usage.error} />
      <Show when={usage.data} fallback={<Loading />}>
        <section class="card stack" aria-labelledby="plan-title">
          <h2 id="plan-title">
            {plan()?.name ?? usage.data!.planId} <Badge tone="info">current plan</Badge>
          </h2>
          <Show when={plan()}>
            <p class="muted">
              {plan()!.description} {plan()!.priceMonthlyCents > 0 ? `${formatMoney(plan()!.priceMonthlyCents)} a month.` : "Free."}
            </p>
          </Show>
          <div class="grid" data-testid="usage-meters">
            <For each={usage.data!.limits}>
              {(limit) => (
                <div class="stack" style={{ gap: "0.3rem" }}>
                  <Meter
                    label={`${humanize(limit.limit.replace(/^(max|daily|monthly)_|_(limit|gb|count)$/g, ""))}${windows[limit.window] ?? ""}`}
                    used={limit.unit === "bytes" ? megabytes(limit.used) : limit.used}
                    max={limit.max === null ? null : limit.unit === "bytes" ? megabytes(limit.max) : limit.max}
                    unit={limit.unit === "bytes" ? "MB" : limit.unit}
                  />
                  <Show when={limit.scope === "site" && limit.sites.length > 0}>
                    <ul class="small muted" style={{ margin: 0, "padding-left": "1rem" }}>
                      <For each={limit.sites}>
                        {(site) => (
                          <li>
                            {siteName(site.siteId)}: {limit.unit === "bytes" ? formatBytes(site.used) : site.used.toLocaleString()}
                          </li>
                        )}
                      </For>
                    </ul>
                  </Show>
                </div>
              )}
            </For>
          </div>
        </section>
      </Show>
      <Credits />
      <Show when={plans.data}>
        <section class="card stack" aria-labelledby="plans-title">
          <h2 id="plans-title">Plans</h2>
          <div class="grid">
            <For each={plans.data}>
              {(p) => (
                <article class="card">
                  <h3>
                    {p.name} <Show when={p.planId === usage.data?.planId}><Badge tone="ok">yours</Badge></Show>
                  </h3>
                  <p class="small muted">{p.priceMonthlyCents > 0 ? `${formatMoney(p.priceMonthlyCents)} / month` : "Free"}</p>
                  <ul class="small" style={{ "padding-left": "1rem" }}>
                    <For each={Object.entries(p.limits).filter(([, v]) => v !== 0)}>
                      {([name, value]) => (
                        <li>
                          {humanize(name.replace(/^(max|daily|monthly)_/, ""))}: {value === null ? "unlimited" : value.toLocaleString()}
                        </li>
                      )}
                    </For>
                  </ul>
                </article>
              )}
            </For>
          </div>
        </section>
      </Show>
    </>
  );
}
