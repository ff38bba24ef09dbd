/**
 * The prompt template language, kept deliberately small so people can edit prompts safely:
 *
 *   {{name}}                 the variable's text ("" when empty)
 *   {{#name}} ... {{/name}}  the block only when the variable is not empty
 *   {{^name}} ... {{/name}}  the block only when it is empty
 *
 * Variables are plain strings (lists arrive already rendered as "- item" lines). Nothing is
 * evaluated, nothing is escaped: the output goes to a model, not to a browser.
 */

const tag = /\{\{\s*([#^/]?)\s*([a-z][a-z0-9_]*)\s*\}\}/g;

export interface TemplateProblem {
  message: string;
  variable?: string;
}

/** Every variable a template names, and the problems with its blocks. */
export function inspect(template: string): { variables: string[]; problems: TemplateProblem[] } {
  const variables = new Set<string>();
  const problems: TemplateProblem[] = [];
  const open: string[] = [];
  for (const match of template.matchAll(tag)) {
    const [, kind, name] = match as unknown as [string, string, string];
    variables.add(name);
    if (kind === "#" || kind === "^") open.push(name);
    else if (kind === "/") {
      const last = open.pop();
      if (last !== name) problems.push({ message: `{{/${name}}} closes ${last ? `{{#${last}}}` : "nothing"}`, variable: name });
    }
  }
  for (const name of open) problems.push({ message: `{{#${name}}} is never closed`, variable: name });
  const stray = template.replace(tag, "").match(/\{\{|\}\}/);
  if (stray) problems.push({ message: "a {{ or }} that is not a variable; names are lower-case letters, digits and _" });
  return { variables: [...variables], problems };
}

/** Renders a template (assumed valid: `inspect` it when it is saved). Blank-line runs are folded. */
export function render(template: string, variables: Record<string, string>): string {
  const value = (name: string) => (variables[name] ?? "").trim();
  let out = template;
  // Innermost blocks first, until none is left.
  const block = /\{\{\s*([#^])\s*([a-z][a-z0-9_]*)\s*\}\}((?:(?!\{\{\s*[#^])[\s\S])*?)\{\{\s*\/\s*\2\s*\}\}/;
  for (let guard = 0; guard < 1000; guard++) {
    const match = block.exec(out);
    if (!match) break;
    const [whole, kind, name, inner] = match as unknown as [string, string, string, string];
    const shown = kind === "#" ? value(name) !== "" : value(name) === "";
    out = out.slice(0, match.index) + (shown ? inner : "") + out.slice(match.index + whole.length);
  }
  out = out.replace(tag, (_, _kind: string, name: string) => value(name));
  return out
    .split("\n")
    .map((line) => line.replace(/\s+$/, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** "- a\n- b" for a list (sub-items indented two spaces). */
export function bullets(items: (string | { text: string; children?: string[] })[]): string {
  return items
    .map((item) => {
      if (typeof item === "string") return `- ${item}`;
      return [`- ${item.text}`, ...(item.children ?? []).map((child) => `  - ${child}`)].join("\n");
    })
    .join("\n");
}
