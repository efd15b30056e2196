// Which row a list-and-detail screen shows: the one the person chose while it is still in
// the list, otherwise the first. A chosen row can leave the list under the screen (erased
// here or by a retention run, replaced by an edit); the detail then moves on instead of
// asking for an item that no longer exists.
export function pickCurrent<R>(rows: readonly R[], chosen: string | null, keyOf: (row: R) => string): string | null {
  if (chosen !== null && rows.some((r) => keyOf(r) === chosen)) return chosen;
  const first = rows[0];
  return first === undefined ? null : keyOf(first);
}
