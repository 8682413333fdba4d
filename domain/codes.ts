/** The codes of a code list (code → Danish name), as a non-empty tuple for an enum schema. */
export function codesOf<K extends string>(list: Record<K, string>): [K, ...K[]] {
  return Object.keys(list) as [K, ...K[]];
}
