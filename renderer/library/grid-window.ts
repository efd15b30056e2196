// Which rows of a fixed-row-height virtual list are in the DOM: the rows in view plus an
// overscan margin above and below, from the top row and the viewport height alone — plain
// arithmetic, so scrolling never needs a layout read ([Note: scroll frame budget]).

export function visibleRows(topRow: number, viewportHeight: number, rowHeight: number, overscan: number, rowCount: number): { first: number; last: number } {
  if (rowCount <= 0) return { first: 0, last: -1 };
  const top = Math.min(Math.max(0, topRow), rowCount - 1);
  const inView = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1; // a partly shown row at each edge
  return { first: Math.max(0, top - overscan), last: Math.min(rowCount - 1, top + inView + overscan - 1) };
}
