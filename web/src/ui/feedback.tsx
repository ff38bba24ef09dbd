import { createSignal, For, type JSX, Show } from "solid-js";
import { ApiError, describeError } from "../data/errors";

/** An error as a sentence, announced to screen readers, with the request id for support. */
export function ErrorMessage(props: { error: unknown; title?: string }) {
  return (
    <Show when={props.error}>
      <div class="alert error" role="alert">
        <Show when={props.title}>
          <strong>{props.title} </strong>
        </Show>
        {describeError(props.error)}
        <Show when={props.error instanceof ApiError && props.error.requestId}>
          <span class="request-id">Reference: {(props.error as ApiError).requestId}</span>
        </Show>
      </div>
    </Show>
  );
}

export function Notice(props: { kind?: "ok" | "warn" | "error"; children: JSX.Element }) {
  return (
    <div class={`alert ${props.kind ?? "ok"}`} role="status">
      {props.children}
    </div>
  );
}

export function Empty(props: { title: string; children?: JSX.Element }) {
  return (
    <div class="empty">
      <h2>{props.title}</h2>
      {props.children}
    </div>
  );
}

export function Loading(props: { label?: string }) {
  return (
    <div class="row muted" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> {props.label ?? "Loading…"}
    </div>
  );
}

export type Tone = "ok" | "error" | "warn" | "info" | undefined;

export function Badge(props: { tone?: Tone; children: JSX.Element }) {
  return <span class={`badge ${props.tone ?? ""}`}>{props.children}</span>;
}

/** The tone of a status word used across the API (runs, imports, records, connections). */
export function statusTone(status: string | null | undefined): Tone {
  switch (status) {
    case "succeeded":
    case "published":
    case "connected":
    case "clustered":
    case "done":
    case "approved":
    case "accepted":
    case "active":
      return "ok";
    case "failed":
    case "rejected":
    case "revoked":
    case "expired":
    case "gone":
    case "deleted":
      return "error";
    case "running":
    case "importing":
    case "validating":
    case "queued":
    case "publishing":
    case "scheduled":
    case "pending":
    case "generating":
      return "info";
    case "needs_mapping":
    case "unclustered":
    case "draft":
    case "unpublished":
    case "trashed":
      return "warn";
    default:
      return undefined;
  }
}

export function StatusBadge(props: { status: string | null | undefined }) {
  return <Badge tone={statusTone(props.status)}>{(props.status ?? "–").replaceAll("_", " ")}</Badge>;
}

/** A limit as a meter; `max` null means unlimited. */
export function Meter(props: { label: string; used: number; max: number | null; unit?: string }) {
  const ratio = () => (props.max ? Math.min(1, props.used / props.max) : 0);
  const text = () =>
    props.max === null
      ? `${props.used.toLocaleString()} used, unlimited`
      : `${props.used.toLocaleString()} of ${props.max.toLocaleString()}${props.unit ? ` ${props.unit}` : ""}`;
  return (
    <div class={`meter ${ratio() >= 1 ? "full" : ratio() >= 0.8 ? "high" : ""}`}>
      <div class="row" style={{ "justify-content": "space-between" }}>
        <span class="label">{props.label}</span>
        <span class="small muted">{text()}</span>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: a styled bar that can also say "unlimited", which <meter> cannot */}
      <div
        class="bar"
        role="meter"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={props.max ?? undefined}
        aria-valuenow={props.used}
        aria-valuetext={text()}
      >
        <div class="fill" style={{ width: `${props.max === null ? 0 : ratio() * 100}%` }} />
      </div>
    </div>
  );
}

export function ProgressBar(props: { label: string; done: number; total: number | null; failed?: number }) {
  const percent = () => (props.total ? Math.min(100, Math.round(((props.done + (props.failed ?? 0)) / props.total) * 100)) : 0);
  const text = () =>
    props.total
      ? `${props.done.toLocaleString()} of ${props.total.toLocaleString()} done${props.failed ? `, ${props.failed} failed` : ""}`
      : `${props.done.toLocaleString()} done`;
  return (
    <div class="progress">
      <div class="row" style={{ "justify-content": "space-between" }}>
        <span class="label">{props.label}</span>
        <span class="small muted">{text()}</span>
      </div>
      <div
        class="bar"
        role="progressbar"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={props.total ? percent() : undefined}
        aria-valuetext={text()}
      >
        <div class="fill" style={{ width: `${props.total ? percent() : 15}%` }} />
      </div>
    </div>
  );
}

interface Toast {
  id: number;
  kind: "ok" | "error";
  text: string;
}
const [toasts, setToasts] = createSignal<Toast[]>([]);
let nextToast = 1;

/** A short message in the corner (e.g. "Saved"); errors stay longer. */
export function toast(text: string, kind: "ok" | "error" = "ok") {
  const id = nextToast++;
  setToasts((list) => [...list, { id, kind, text }]);
  setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), kind === "error" ? 8000 : 4000);
}

export function toastError(error: unknown) {
  toast(describeError(error), "error");
}

export function Toasts() {
  return (
    <output class="toasts" aria-live="polite">
      <For each={toasts()}>{(item) => <div class={`toast ${item.kind}`}>{item.text}</div>}</For>
    </output>
  );
}
