/** The one errno helper: the `code` of a Node system error (`ENOENT`, `EEXIST`, `EACCES`, …). */
export function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}
