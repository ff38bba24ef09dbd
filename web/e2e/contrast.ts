import type { Page } from "playwright-core";

/**
 * A WCAG 2.x contrast audit of what the page shows, computed in the browser: for every visible
 * element that holds text (and every form control showing a value), the contrast ratio between
 * its text colour and the colour actually behind it (ancestors' backgrounds composited, ancestor
 * opacity applied). Normal text needs 4.5:1, large text (24px, or 18.66px bold) 3:1. Disabled
 * controls and visually hidden text are exempt, as WCAG exempts them.
 */

export interface ContrastProblem {
  element: string;
  text: string;
  ratio: number;
  required: number;
  color: string;
  background: string;
}

// Plain JavaScript (evaluated as a string, so nothing of the test's build reaches the page).
const audit = `(() => {
  const parse = (value) => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const parts = m[1].split(/[ ,\\/]+/).filter(Boolean).map((p) => (p.endsWith("%") ? Number(p.slice(0, -1)) / 100 : Number(p)));
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  const over = (top, bottom) => {
    const a = top.a + bottom.a * (1 - top.a);
    if (a === 0) return { r: 0, g: 0, b: 0, a: 0 };
    const mix = (t, b) => (t * top.a + b * bottom.a * (1 - top.a)) / a;
    return { r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a };
  };
  const luminance = (c) => {
    const ch = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
  };
  const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const css = (c) => "rgb(" + [c.r, c.g, c.b].map((v) => Math.round(v)).join(" ") + ")";
  const canvas = () => {
    const root = parse(getComputedStyle(document.documentElement).backgroundColor);
    const body = parse(getComputedStyle(document.body).backgroundColor);
    const base = getComputedStyle(document.documentElement).colorScheme.includes("dark") ? { r: 18, g: 18, b: 18, a: 1 } : { r: 255, g: 255, b: 255, a: 1 };
    let c = base;
    if (root && root.a > 0) c = over(root, c);
    if (body && body.a > 0) c = over(body, c);
    return c;
  };
  const behind = (element) => {
    const layers = [];
    let opacity = 1;
    let image = false;
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      opacity *= Number(style.opacity);
      if (style.backgroundImage !== "none" && !style.backgroundImage.startsWith("url(\\"data:image/svg")) image = true;
      const bg = parse(style.backgroundColor);
      if (bg && bg.a > 0) { layers.push(bg); if (bg.a >= 1) break; }
      // A dialog sits on the top layer: what is under it in the tree is not behind it.
      if (node.tagName === "DIALOG" && node.open) break;
    }
    let c = layers.length && layers[layers.length - 1].a >= 1 ? layers.pop() : canvas();
    while (layers.length) c = over(layers.pop(), c);
    return { color: c, opacity, image };
  };
  const hidden = (element) => {
    if (!element.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return true;
    const rect = element.getBoundingClientRect();
    if (rect.width < 2 || rect.height < 2) return true;
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      if (node.getAttribute("aria-hidden") === "true") return true;
      const style = getComputedStyle(node);
      if (style.clip === "rect(0px, 0px, 0px, 0px)" || style.clipPath === "inset(50%)") return true;
      if (node.tagName === "DIALOG" && !node.open) return true;
    }
    return false;
  };
  const disabled = (element) => Boolean(element.closest(":disabled, [aria-disabled='true']"));
  const describe = (element) => {
    const parts = [];
    for (let node = element; node && node.nodeType === 1 && parts.length < 4; node = node.parentElement) {
      let part = node.tagName.toLowerCase();
      if (node.id) part += "#" + node.id;
      else if (node.classList.length) part += "." + [...node.classList].join(".");
      parts.unshift(part);
    }
    return parts.join(" > ");
  };
  const problems = [];
  let checked = 0;
  const seen = new Set();
  const candidates = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (!text.textContent.trim()) continue;
    const parent = text.parentElement;
    if (!parent || seen.has(parent) || ["SCRIPT", "STYLE", "OPTION", "NOSCRIPT"].includes(parent.tagName)) continue;
    seen.add(parent);
    candidates.push([parent, text.textContent.trim()]);
  }
  for (const control of document.querySelectorAll("input:not([type=checkbox]):not([type=radio]):not([type=file]):not([type=hidden]), select, textarea")) {
    const value = control.tagName === "SELECT" ? control.selectedOptions[0]?.textContent ?? "" : control.value;
    if (value.trim()) candidates.push([control, value.trim()]);
  }
  for (const [element, text] of candidates) {
    if (hidden(element) || disabled(element)) continue;
    const style = getComputedStyle(element);
    const fg = parse(style.color);
    if (!fg) continue;
    const { color: bg, opacity, image } = behind(element);
    if (image) continue;
    // Ancestor opacity blends the text into what is behind the faded box.
    const shown = over({ ...fg, a: fg.a * opacity }, bg);
    const size = parseFloat(style.fontSize);
    const bold = Number(style.fontWeight) >= 700;
    const required = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const value = ratio(shown, bg);
    checked++;
    if (value < required) {
      problems.push({ element: describe(element), text: text.slice(0, 60), ratio: Math.round(value * 100) / 100, required, color: css(shown), background: css(bg) });
    }
  }
  return { checked, problems };
})()`;

export async function contrastProblems(
  page: Page,
): Promise<{ checked: number; problems: ContrastProblem[] }> {
  return (await page.evaluate(audit)) as { checked: number; problems: ContrastProblem[] };
}
