import { A } from "@solidjs/router";
import type { JSX } from "solid-js";

/** The frame of the signed-out pages. */
export function AuthFrame(props: { title: string; children: JSX.Element; footer?: JSX.Element }) {
  document.title = `${props.title} · IGNY8`;
  return (
    <main class="auth-page">
      <div class="card stack">
        <A href="/" class="brand">
          IGNY8
        </A>
        <h1>{props.title}</h1>
        {props.children}
        {props.footer}
      </div>
    </main>
  );
}

/** Where to go after signing in: the `next` the shell asked for, if it is one of our paths. */
export function nextPath(next: string | string[] | undefined): string {
  const value = Array.isArray(next) ? next[0] : next;
  return value?.startsWith("/") && !value.startsWith("//") ? value : "/";
}
