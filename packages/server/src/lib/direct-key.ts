/**
 * A direct room is keyed by its two people's ids, sorted and joined by ':' (unique in storage, so
 * two people have one direct room). The PostgreSQL facts query spells the same rule in SQL.
 */
export function directKeyOf(a: string, b: string): string {
  return [a, b].sort().join(':');
}

/** The other person of a direct room's key, or undefined when `userId` is not one of the two. */
export function directPeer(directKey: string, userId: string): string | undefined {
  const [first, second] = directKey.split(':');
  if (first === userId) return second;
  if (second === userId) return first;
  return undefined;
}
