import { diffLines, diffWords } from "diff";
import { z } from "zod";

/**
 * A readable diff of two content versions: word diffs of the short fields (title, slug, meta),
 * and a line diff of the body with one block element per line, long unchanged runs collapsed.
 */

export const DiffPart = z
  .object({
    op: z.enum(["equal", "insert", "delete", "skip"]).meta({ description: "skip: unchanged lines left out (see skipped)" }),
    text: z.string(),
    skipped: z.number().int().optional(),
  })
  .meta({ id: "DiffPart" });
export type DiffPart = z.infer<typeof DiffPart>;

export const FieldDiff = z
  .object({
    field: z.string(),
    changed: z.boolean(),
    inserted: z.number().int().meta({ description: "Words (short fields) or lines (body) added" }),
    deleted: z.number().int(),
    parts: z.array(DiffPart),
  })
  .meta({ id: "FieldDiff" });
export type FieldDiff = z.infer<typeof FieldDiff>;

function fromChanges(field: string, changes: { value: string; added: boolean; removed: boolean; count: number }[]): FieldDiff {
  let inserted = 0;
  let deleted = 0;
  const parts: DiffPart[] = changes.map((change) => {
    if (change.added) inserted += change.count;
    if (change.removed) deleted += change.count;
    return { op: change.added ? "insert" : change.removed ? "delete" : "equal", text: change.value };
  });
  return { field, changed: inserted + deleted > 0, inserted, deleted, parts };
}

export function wordDiff(field: string, before: string, after: string): FieldDiff {
  if (before === after) return { field, changed: false, inserted: 0, deleted: 0, parts: before ? [{ op: "equal", text: before }] : [] };
  const changes = diffWords(before, after);
  const words = (text: string) => text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
  const result = fromChanges(field, changes);
  return {
    ...result,
    inserted: changes.filter((c) => c.added).reduce((n, c) => n + words(c.value), 0),
    deleted: changes.filter((c) => c.removed).reduce((n, c) => n + words(c.value), 0),
  };
}

/** One block element per line, so a line diff of HTML reads paragraph by paragraph. */
export function blockLines(html: string): string {
  return `${html
    .replace(/\r\n?/g, "\n")
    .replace(/\n+/g, " ")
    .replace(/(<\/(?:p|h[1-6]|li|ul|ol|table|thead|tbody|tr|blockquote|figure|pre|dl)>)/gi, "$1\n")
    .replace(/(<(?:ul|ol|table|thead|tbody|tr|figure|dl)\b[^>]*>)/gi, "$1\n")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .join("\n")}\n`;
}

export function lineDiff(field: string, before: string, after: string, context = 2): FieldDiff {
  const result = fromChanges(field, diffLines(blockLines(before), blockLines(after)));
  // Keep `context` unchanged lines around each change; collapse the rest.
  const parts: DiffPart[] = [];
  for (const [index, part] of result.parts.entries()) {
    const lines = part.text.split("\n");
    if (lines.at(-1) === "") lines.pop();
    const keepBefore = index > 0 ? context : 0;
    const keepAfter = index < result.parts.length - 1 ? context : 0;
    if (part.op !== "equal" || lines.length <= keepBefore + keepAfter + 1) {
      parts.push(part);
      continue;
    }
    if (keepBefore) parts.push({ op: "equal", text: `${lines.slice(0, keepBefore).join("\n")}\n` });
    parts.push({ op: "skip", text: "", skipped: lines.length - keepBefore - keepAfter });
    if (keepAfter) parts.push({ op: "equal", text: `${lines.slice(lines.length - keepAfter).join("\n")}\n` });
  }
  return { ...result, parts };
}
