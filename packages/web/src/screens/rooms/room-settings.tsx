import type { ReactNode } from 'react';

// Placeholder until this screen is built.
export function RoomSettings(_props: { roomId: string }): ReactNode {
  return <p>Coming soon.</p>;
}
