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
} as const;
