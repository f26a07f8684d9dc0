/** Limits that both sides must agree on. Server-side tunables live in the server config. */
export const limits = {
  /** Usernames: 3 to 32 of a-z, 0-9, '.', '-', '_', starting and ending with a letter or digit. */
  usernameMin: 3,
  usernameMax: 32,
  /** Passwords are counted in Unicode code points, never truncated. */
  passwordMin: 8,
  passwordMax: 128,
  emailMax: 254,
  displayNameMax: 64,
  bioMax: 500,
  deviceLabelMax: 100,
  searchQueryMax: 64,
  /** Most users one search or one admin list page returns. */
  pageMax: 100,
  roomNameMax: 80,
  roomTopicMax: 500,
  /** Join codes: this many characters of `joinCodeAlphabet`. */
  joinCodeLength: 10,
  /** Client transaction ids: 1 to 64 of A-Z a-z 0-9 _ - . : */
  txnIdMax: 64,
  /** Distinct emoji on one message. */
  reactionsPerMessageMax: 20,
  emojiMax: 32,
  /** Most members one invite or room creation adds. */
  inviteMax: 100,
  /** Most messages or events one history page or sync room returns. */
  historyPageMax: 100,
  searchQueryTextMax: 200,
  /** Most rooms a sync cursor may name. */
  cursorRoomsMax: 10_000,
  /** Most users one presence subscription may watch. */
  presenceWatchMax: 500,
} as const;

/** Join codes use letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L, U). */
export const joinCodeAlphabet = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
