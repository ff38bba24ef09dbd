/** Prints rows as an aligned plain-text table (numbers right-aligned). */
export function printTable(headers: string[], rows: (string | number)[][]): void {
  const cells = rows.map((row) =>
    row.map((cell) => (typeof cell === "number" ? formatNumber(cell) : cell)),
  );
  const widths = headers.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c]!.length)));
  const line = (row: string[], numeric: boolean[]) =>
    row
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join("  ");
  const numeric = headers.map((_, c) => rows.length > 0 && typeof rows[0]![c] === "number");
  console.log(line(headers, numeric));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of cells) console.log(line(row, numeric));
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(3);
}
