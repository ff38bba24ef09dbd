// biome-ignore-all lint/a11y/useSemanticElements: windowed rows are absolutely positioned boxes, so the table semantics come from ARIA roles
// biome-ignore-all lint/a11y/useFocusableInteractive: rows and cells are not interactive; the scrolling body is the focus stop
import {
  createEffect,
  createMemo,
  createSignal,
  For,
  Index,
  type JSX,
  onCleanup,
  onMount,
  Show,
} from "solid-js";
import { windowRange } from "./window";

export interface Column<T> {
  /** Column id; also the sort key offered to `onSort` when `sortable`. */
  id: string;
  label: string;
  /** A CSS grid track, e.g. "minmax(200px, 3fr)" or "90px". */
  width: string;
  render: (row: T) => JSX.Element;
  numeric?: boolean;
  sortable?: boolean;
}

/**
 * A table that renders only the rows on screen (plus a margin), so 100,000 rows scroll as
 * smoothly as 100. Rows have one fixed height. ARIA table semantics with aria-rowcount and
 * aria-rowindex tell assistive technology the full size; the body scrolls with the keyboard.
 */
export function VirtualTable<T>(props: {
  label: string;
  rows: T[];
  /** All rows the server has, when known (for aria-rowcount); default rows.length. */
  total?: number;
  rowKey: (row: T) => string;
  columns: Column<T>[];
  rowHeight?: number;
  height?: number;
  sort?: { column: string; descending: boolean };
  onSort?: (column: string) => void;
  selected?: (key: string) => boolean;
  onToggle?: (key: string, row: T) => void;
  onToggleAll?: () => void;
  allSelected?: boolean;
  /** Called when the last rows come into view (load the next page). */
  onEndReached?: () => void;
  empty?: JSX.Element;
  /** Below this width (px) the table scrolls sideways instead of squeezing its columns. */
  minWidth?: number;
}) {
  const rowHeight = () => props.rowHeight ?? 36;
  const [scrollTop, setScrollTop] = createSignal(0);
  const [viewport, setViewport] = createSignal(props.height ?? 560);
  let body: HTMLDivElement | undefined;

  onMount(() => {
    if (!body) return;
    const observer = new ResizeObserver(() =>
      setViewport(body!.clientHeight || (props.height ?? 560)),
    );
    observer.observe(body);
    onCleanup(() => observer.disconnect());
  });

  const selectable = () => props.onToggle !== undefined;
  const template = () =>
    [selectable() ? "44px" : "", ...props.columns.map((c) => c.width)].filter(Boolean).join(" ");
  const range = createMemo(() =>
    windowRange({
      scrollTop: scrollTop(),
      viewportHeight: viewport(),
      rowHeight: rowHeight(),
      count: props.rows.length,
    }),
  );
  const visible = createMemo(() => {
    const { start, end } = range();
    const rows: { row: T; index: number }[] = [];
    for (let index = start; index < end; index++) rows.push({ row: props.rows[index] as T, index });
    return rows;
  });

  createEffect(() => {
    const { end } = range();
    if (props.onEndReached && props.rows.length > 0 && end >= props.rows.length - 5)
      props.onEndReached();
  });

  const ariaSort = (column: Column<T>) =>
    props.sort?.column === column.id
      ? props.sort.descending
        ? "descending"
        : "ascending"
      : column.sortable
        ? "none"
        : undefined;

  return (
    <div
      class="vt"
      role="table"
      aria-label={props.label}
      aria-rowcount={(props.total ?? props.rows.length) + 1}
    >
      <div class="vt-inner" style={{ "min-width": `${props.minWidth ?? 0}px` }}>
        <div
          class="vt-head"
          role="row"
          aria-rowindex={1}
          style={{ "grid-template-columns": template(), height: "40px" }}
        >
          <Show when={selectable()}>
            <span role="columnheader">
              <input
                type="checkbox"
                aria-label="Select all loaded rows"
                checked={props.allSelected ?? false}
                onChange={() => props.onToggleAll?.()}
              />
            </span>
          </Show>
          <For each={props.columns}>
            {(column) => (
              <span
                role="columnheader"
                aria-sort={ariaSort(column)}
                class={column.numeric ? "num" : undefined}
              >
                <Show when={column.sortable && props.onSort} fallback={column.label}>
                  <button type="button" onClick={() => props.onSort?.(column.id)}>
                    {column.label}
                    {props.sort?.column === column.id ? (props.sort.descending ? " ↓" : " ↑") : ""}
                  </button>
                </Show>
              </span>
            )}
          </For>
        </div>
        <Show when={props.rows.length > 0} fallback={props.empty}>
          <div
            ref={body}
            class="vt-body"
            role="rowgroup"
            tabindex="0"
            aria-label={`${props.label}, scrollable`}
            style={{
              height: `${Math.min(props.height ?? 560, props.rows.length * rowHeight() + 2)}px`,
            }}
            onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
          >
            <div style={{ height: `${range().totalHeight}px`, position: "relative" }}>
              {/* Index keeps one row element per screen slot and refills it, so a scroll never rebuilds the DOM. */}
              <Index each={visible()}>
                {(item) => {
                  const key = () => props.rowKey(item().row);
                  return (
                    <div
                      class="vt-row"
                      role="row"
                      aria-rowindex={item().index + 2}
                      aria-selected={selectable() ? (props.selected?.(key()) ?? false) : undefined}
                      style={{
                        top: `${item().index * rowHeight()}px`,
                        height: `${rowHeight()}px`,
                        "grid-template-columns": template(),
                      }}
                    >
                      <Show when={selectable()}>
                        <span role="cell">
                          <input
                            type="checkbox"
                            aria-label={`Select row ${item().index + 1}`}
                            checked={props.selected?.(key()) ?? false}
                            onChange={() => props.onToggle?.(key(), item().row)}
                          />
                        </span>
                      </Show>
                      <For each={props.columns}>
                        {(column) => (
                          <span role="cell" class={column.numeric ? "num" : undefined}>
                            {column.render(item().row)}
                          </span>
                        )}
                      </For>
                    </div>
                  );
                }}
              </Index>
            </div>
          </div>
        </Show>
      </div>
    </div>
  );
}
