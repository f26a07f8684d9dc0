import type { ReactNode } from 'react';
import type { ChatStore } from '../../app/chat-store.ts';

export { mentionAt } from './room-text.ts';

export interface MentionOption {
  readonly userId: string;
  readonly username: string;
  readonly displayName: string;
}

/** Members of the room (not the user) whose username or display name starts with the query. */
export function mentionOptions(store: ChatStore, roomId: string, query: string, max = 8): MentionOption[] {
  const members = store.state.room(roomId)?.members ?? [];
  const wanted = query.toLowerCase();
  const options: MentionOption[] = [];
  for (const member of members) {
    if (member.userId === store.me.id) continue;
    const user = store.user(member.userId);
    if (!user) continue;
    const name = user.displayName.toLowerCase();
    const matches =
      user.username.startsWith(wanted) ||
      name.startsWith(wanted) ||
      name.split(/\s+/).some((w) => w.startsWith(wanted));
    if (matches) options.push({ userId: user.id, username: user.username, displayName: user.displayName });
  }
  options.sort((a, b) => a.username.localeCompare(b.username));
  return options.slice(0, max);
}

/** The suggestions under the composer; the textarea keeps focus and points here with aria-activedescendant. */
export function MentionAutocomplete(props: {
  id: string;
  options: readonly MentionOption[];
  active: number;
  onPick: (option: MentionOption) => void;
}): ReactNode {
  return (
    <ul className="mention-list" role="listbox" id={props.id} aria-label="People to mention">
      {props.options.map((option, i) => (
        <li
          key={option.userId}
          id={`${props.id}-${i}`}
          role="option"
          aria-selected={i === props.active}
          className={i === props.active ? 'active' : undefined}
          onMouseDown={(event) => {
            // Keep the textarea focused.
            event.preventDefault();
          }}
          onClick={() => {
            props.onPick(option);
          }}
        >
          <span className="mention-name">{option.displayName || option.username}</span>{' '}
          <span className="mention-username">@{option.username}</span>
        </li>
      ))}
    </ul>
  );
}
