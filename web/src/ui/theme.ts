import { createSignal } from "solid-js";

/** Light, dark, or the system's choice; remembered per browser. */
export type ThemeChoice = "system" | "light" | "dark";
const KEY = "igny8.theme";

function stored(): ThemeChoice {
  const value = localStorage.getItem(KEY);
  return value === "light" || value === "dark" ? value : "system";
}

const [theme, setThemeSignal] = createSignal<ThemeChoice>(stored());

function apply(choice: ThemeChoice) {
  if (choice === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}
apply(theme());

export { theme };

export function setTheme(choice: ThemeChoice) {
  if (choice === "system") localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
  setThemeSignal(choice);
  apply(choice);
}
