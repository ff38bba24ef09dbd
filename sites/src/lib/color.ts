/** WCAG 2 AA for body text. */
export const minimumTextContrast = 4.5;

type Rgb = [number, number, number];

export function parseHex(hex: string): Rgb {
  let digits = hex.replace(/^#/, "");
  if (digits.length === 3) digits = [...digits].map((digit) => digit + digit).join("");
  if (!/^[0-9a-f]{6}$/i.test(digits)) throw new Error(`not a hex colour: ${hex}`);
  return [0, 2, 4].map((start) => Number.parseInt(digits.slice(start, start + 2), 16)) as Rgb;
}

export function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((channel) => Math.round(channel).toString(16).padStart(2, "0")).join("")}`;
}

/** Relative luminance as WCAG 2 defines it. */
export function luminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((channel) => {
    const c = channel / 255;
    return c <= 0.040_45 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** `weight` of `b` mixed into `a` (0 gives a, 1 gives b). */
export function mix(a: string, b: string, weight: number): string {
  const [x, y] = [parseHex(a), parseHex(b)];
  return toHex(x.map((channel, i) => channel + (y[i]! - channel) * weight) as Rgb);
}

/** Black or white, whichever reads better on `background`. */
export function readableOn(background: string): string {
  return contrastRatio("#ffffff", background) >= contrastRatio("#111111", background)
    ? "#ffffff"
    : "#111111";
}

/**
 * `color` moved towards black or white (whichever gains contrast against `against`) just far
 * enough to reach `minimum`: a brand colour keeps its hue but stays legible.
 */
export function withContrast(color: string, against: string, minimum = minimumTextContrast) {
  if (contrastRatio(color, against) >= minimum) return color;
  const target = luminance(against) > 0.18 ? "#000000" : "#ffffff";
  for (let step = 1; step <= 20; step++) {
    const candidate = mix(color, target, step / 20);
    if (contrastRatio(candidate, against) >= minimum) return candidate;
  }
  return target;
}
