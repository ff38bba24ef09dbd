import { For, Show } from "solid-js";
import { describeItemError } from "../../data/errors";
import { failedItems } from "../../data/runs";
import type { Execution } from "../../data/types";

/** A run's failure and its failed items, each with its reason. */
export function RunErrors(props: { execution: Execution }) {
  const failed = () => failedItems(props.execution);
  return (
    <>
      <Show when={props.execution.status === "failed" && props.execution.error}>
        <div class="alert error" role="alert">
          The run failed: {props.execution.error}
        </div>
      </Show>
      <Show when={failed().length > 0}>
        <div class="alert error" role="alert">
          <strong>{failed().length} items failed</strong>
          <ul style={{ margin: "0.25rem 0 0", "padding-left": "1.25rem" }}>
            <For each={failed().slice(0, 50)}>
              {(item) => (
                <li>
                  <code>{item.item}</code>: {describeItemError(item.error)}
                </li>
              )}
            </For>
          </ul>
        </div>
      </Show>
    </>
  );
}
