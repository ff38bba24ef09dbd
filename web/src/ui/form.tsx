import { createUniqueId, type JSX, Show, splitProps } from "solid-js";
import { fieldMessage } from "../data/errors";

/**
 * A labelled control. The label is tied to the control by id; the hint and the API's message
 * for this field (from `error`, matched by field name) are described-by the control.
 */
export function Field(props: {
  label: string;
  hint?: string;
  error?: unknown;
  name?: string;
  children: (attrs: { id: string; "aria-describedby"?: string; "aria-invalid"?: boolean }) => JSX.Element;
}) {
  const id = createUniqueId();
  const message = () => (props.name ? fieldMessage(props.error, props.name) : undefined);
  const describedBy = () => [props.hint ? `${id}-hint` : "", message() ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children({ id, "aria-describedby": describedBy(), "aria-invalid": message() ? true : undefined })}
      <Show when={props.hint}>
        <span class="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      </Show>
      <Show when={message()}>
        <span class="error" id={`${id}-error`}>
          {message()}
        </span>
      </Show>
    </div>
  );
}

export function TextField(
  props: {
    label: string;
    hint?: string;
    error?: unknown;
    name: string;
    value: string;
    onInput: (value: string) => void;
  } & Omit<JSX.InputHTMLAttributes<HTMLInputElement>, "onInput" | "value">,
) {
  const [own, rest] = splitProps(props, ["label", "hint", "error", "name", "value", "onInput"]);
  return (
    <Field label={own.label} hint={own.hint} error={own.error} name={own.name}>
      {(attrs) => (
        <input
          {...rest}
          {...attrs}
          name={own.name}
          value={own.value}
          onInput={(event) => own.onInput(event.currentTarget.value)}
        />
      )}
    </Field>
  );
}

export function SelectField<T extends string>(props: {
  label: string;
  hint?: string;
  name: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
  error?: unknown;
}) {
  return (
    <Field label={props.label} hint={props.hint} error={props.error} name={props.name}>
      {(attrs) => (
        <select {...attrs} name={props.name} value={props.value} onChange={(event) => props.onChange(event.currentTarget.value as T)}>
          {props.options.map((option) => (
            <option value={option.value} selected={option.value === props.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function Button(
  props: { kind?: "primary" | "danger" | "ghost"; size?: "small"; busy?: boolean } & JSX.ButtonHTMLAttributes<HTMLButtonElement>,
) {
  const [own, rest] = splitProps(props, ["kind", "size", "busy", "class", "children", "disabled"]);
  return (
    <button
      type="button"
      {...rest}
      class={["button", own.kind, own.size, own.class].filter(Boolean).join(" ")}
      disabled={own.disabled || own.busy}
      aria-busy={own.busy ? true : undefined}
    >
      <Show when={own.busy}>
        <span class="spinner" aria-hidden="true" />
      </Show>
      {own.children}
    </button>
  );
}
