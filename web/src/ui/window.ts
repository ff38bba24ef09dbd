/**
 * Which rows of a fixed-height list are on screen: the windowing arithmetic behind VirtualTable,
 * kept pure so it is tested without a browser.
 */
export function windowRange(options: {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  count: number;
  overscan?: number;
}): { start: number; end: number; offset: number; totalHeight: number } {
  const { rowHeight, count } = options;
  const overscan = options.overscan ?? 8;
  const totalHeight = count * rowHeight;
  const scrollTop = Math.max(0, Math.min(options.scrollTop, Math.max(0, totalHeight - options.viewportHeight)));
  const first = Math.floor(scrollTop / rowHeight);
  const visible = Math.ceil(options.viewportHeight / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end, offset: start * rowHeight, totalHeight };
}
