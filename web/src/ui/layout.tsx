import { createEffect, type JSX, onCleanup, Show } from "solid-js";

export function PageHeader(props: { title: string; description?: JSX.Element; actions?: JSX.Element }) {
  createEffect(() => {
    document.title = `${props.title} · IGNY8`;
  });
  return (
    <header class="page-header">
      <div>
        <h1>{props.title}</h1>
        <Show when={props.description}>
          <p>{props.description}</p>
        </Show>
      </div>
      <Show when={props.actions}>
        <div class="row">{props.actions}</div>
      </Show>
    </header>
  );
}

/**
 * A modal dialog on the native <dialog> element: focus moves in, Escape closes it, focus returns
 * to what opened it.
 */
export function Dialog(props: { open: boolean; title: string; onClose: () => void; children: JSX.Element; footer?: JSX.Element }) {
  let element: HTMLDialogElement | undefined;
  let opener: Element | null = null;
  createEffect(() => {
    if (!element) return;
    if (props.open && !element.open) {
      opener = document.activeElement;
      element.showModal();
    } else if (!props.open && element.open) {
      element.close();
      (opener as HTMLElement | null)?.focus?.();
    }
  });
  onCleanup(() => element?.open && element.close());
  return (
    <dialog
      ref={element}
      aria-labelledby="dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      <Show when={props.open}>
        <header>
          <h2 id="dialog-title">{props.title}</h2>
          <button type="button" class="button ghost small" onClick={() => props.onClose()} aria-label="Close">
            ✕
          </button>
        </header>
        <div class="dialog-body">{props.children}</div>
        <Show when={props.footer}>
          <footer>{props.footer}</footer>
        </Show>
      </Show>
    </dialog>
  );
}
