import type { ReactNode } from 'react';
import { initials } from './format.ts';
import './room-avatar.css';

/** One of eight colours, always the same for one person. */
function hueOf(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return Math.abs(hash) % 8;
}

/** A round avatar with a person's initials; decorative (the name is always shown beside it). */
export function RoomAvatar(props: { id: string; name: string; size?: 'small' | 'normal' }): ReactNode {
  return (
    <span className={`room-avatar hue-${hueOf(props.id)}${props.size === 'small' ? ' small' : ''}`} aria-hidden="true">
      {initials(props.name)}
    </span>
  );
}
