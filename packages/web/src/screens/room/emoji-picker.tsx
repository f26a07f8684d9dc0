import type { ReactNode } from 'react';
import { RoomDialog } from '../../ui/room-dialog.tsx';

/** The reactions offered by the picker: the ones people reach for most. */
export const commonEmoji = [
  '👍',
  '👎',
  '❤️',
  '😂',
  '😮',
  '😢',
  '😡',
  '🎉',
  '🙏',
  '👏',
  '🔥',
  '🤔',
  '👀',
  '✅',
  '❌',
  '💯',
  '🚀',
  '😍',
  '😅',
  '🙌',
  '👌',
  '😎',
  '🤝',
  '✨',
] as const;

/** A dialog with a grid of emoji; picking one reacts (or takes back a reaction already given). */
export function EmojiPicker(props: {
  mine: readonly string[];
  onPick: (emoji: string) => void;
  onClose: () => void;
}): ReactNode {
  return (
    <RoomDialog label="Pick a reaction" title="React" onClose={props.onClose} className="emoji-dialog">
      <div className="emoji-grid">
        {commonEmoji.map((emoji) => (
          <button
            key={emoji}
            type="button"
            className={props.mine.includes(emoji) ? 'emoji mine' : 'emoji'}
            aria-label={emoji}
            aria-pressed={props.mine.includes(emoji)}
            onClick={() => {
              props.onPick(emoji);
            }}
          >
            {emoji}
          </button>
        ))}
      </div>
    </RoomDialog>
  );
}
