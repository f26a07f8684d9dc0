import type { Message, Reaction } from '@natter/protocol';

/** One person's reaction with one emoji, and its place in reaction order. */
export interface Reactor {
  readonly emoji: string;
  readonly userId: string;
  /** The seq of the reaction.added event, or a negative number for reactions read from a fetched message. */
  readonly key: number;
}

/**
 * The reactors of a fetched message, in an order consistent with its `reactions`. A fetched message
 * does not say how reactions of different emoji interleave in time, so they are taken emoji by
 * emoji; keys are negative so that every reaction seen later as an event sorts after them.
 */
export function reactorsOf(message: Message): Reactor[] {
  const flat = message.reactions.flatMap((reaction) =>
    reaction.userIds.map((userId) => ({ emoji: reaction.emoji, userId })),
  );
  return flat.map((reactor, index) => ({ ...reactor, key: index - flat.length }));
}

/**
 * The protocol's order of reactions, from the current reactors: each emoji with its reactors in
 * the order they reacted, emoji in the order of their earliest current reaction. This is what a
 * server that keeps one row per reaction answers, so when the first reactor of an emoji takes the
 * reaction back, that emoji moves behind any emoji first used before its next reactor.
 */
export function groupReactions(reactors: readonly Reactor[]): Reaction[] {
  const groups = new Map<string, string[]>();
  for (const { emoji, userId } of [...reactors].sort((a, b) => a.key - b.key)) {
    const users = groups.get(emoji);
    if (users) users.push(userId);
    else groups.set(emoji, [userId]);
  }
  return [...groups].map(([emoji, userIds]) => ({ emoji, userIds }));
}

/** Adds a reaction unless this person already reacted with this emoji (a duplicate changes nothing). */
export function addReactor(reactors: readonly Reactor[], reactor: Reactor): Reactor[] {
  const present = reactors.some((r) => r.emoji === reactor.emoji && r.userId === reactor.userId);
  return present ? [...reactors] : [...reactors, reactor];
}

/** Takes a reaction back; nothing happens when there was none. */
export function removeReactor(reactors: readonly Reactor[], emoji: string, userId: string): Reactor[] {
  return reactors.filter((r) => r.emoji !== emoji || r.userId !== userId);
}
