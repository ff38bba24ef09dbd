import type { Theme } from "../schema";
import { minimumTextContrast, mix, readableOn, withContrast } from "./color";

const palettes = {
  light: { background: "#ffffff", text: "#1a202c", primary: "#1d4ed8" },
  dark: { background: "#0f172a", text: "#f1f5f9", primary: "#60a5fa" },
} as const;

/**
 * The theme as CSS custom properties (`--color-*`), set on <html> and read by every component's
 * stylesheet. Derived colours are computed so that text, links and buttons keep WCAG AA contrast
 * whatever brand colours the definition brings.
 */
export function themeVariables(theme: Theme): Record<string, string> {
  const palette = palettes[theme.mode];
  const background = theme.colors?.background ?? palette.background;
  const text = theme.colors?.text ?? palette.text;
  const primary = theme.colors?.primary ?? palette.primary;
  const accent = theme.colors?.accent ?? primary;
  const surface = mix(background, text, 0.05);
  // Buttons fill with the brand colour; if neither black nor white text reads on it, darken or
  // lighten the fill until one does.
  const button = withContrast(primary, readableOn(primary));
  const accentFill = withContrast(accent, readableOn(accent));
  return {
    "--color-bg": background,
    "--color-surface": surface,
    "--color-text": text,
    "--color-muted": withContrast(mix(text, background, 0.3), surface, minimumTextContrast),
    "--color-border": mix(background, text, 0.18),
    // Links sit on both the page and surface panels.
    "--color-link": withContrast(withContrast(primary, background), surface),
    "--color-primary": button,
    "--color-on-primary": readableOn(button),
    "--color-accent": accentFill,
    "--color-on-accent": readableOn(accentFill),
  };
}

/** The variables as the value of a `style` attribute. */
export function themeStyle(theme: Theme): string {
  return Object.entries(themeVariables(theme))
    .map(([name, value]) => `${name}:${value}`)
    .join(";");
}
