import { For, Show } from "solid-js";
import { useCredits, useLedger } from "../../data/writer";
import { Empty, ErrorMessage, formatDate, formatNumber, Loading, Meter } from "../../ui";

/** Credits: balance, this month's spend against the grant and budgets, and the ledger. */
export function Credits() {
  const credits = useCredits();
  const ledger = useLedger();
  return (
    <section class="card stack" aria-labelledby="credits-title">
      <h2 id="credits-title">Credits</h2>
      <ErrorMessage error={credits.error} />
      <Show when={credits.data} fallback={<Loading />}>
        {(c) => (
          <>
            <p>
              <strong data-testid="credit-balance">{formatNumber(c().available)}</strong> credits available ({formatNumber(c().balance)} balance,{" "}
              {formatNumber(c().held)} held by running work){c().metered ? "" : "; this plan is not metered"}.
            </p>
            <div class="grid">
              <Meter label={`Credits used in ${c().month.month}`} used={c().month.spent} max={c().monthlyCredits} unit="credits" />
              <Show when={c().budgets.perMonth !== null}>
                <Meter label="Monthly budget" used={c().month.committed} max={c().budgets.perMonth} unit="credits" />
              </Show>
            </div>
          </>
        )}
      </Show>
      <h3>Ledger</h3>
      <ErrorMessage error={ledger.error} />
      <Show when={ledger.data} fallback={<Loading />}>
        <Show when={ledger.data!.items.length > 0} fallback={<Empty title="No credit movements yet" />}>
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Model</th>
                  <th scope="col" class="num">
                    Credits
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={ledger.data!.items}>
                  {(entry) => (
                    <tr>
                      <td>{formatDate(entry.createdAt)}</td>
                      <td>{entry.description}</td>
                      <td class="small">{entry.model ?? "–"}</td>
                      <td class="num">{entry.amount > 0 ? `+${formatNumber(entry.amount)}` : formatNumber(entry.amount)}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </Show>
      </Show>
    </section>
  );
}
