import type { ReactNode } from 'react';

// Placeholder until this screen is built.
export function RoomView(_props: { roomId: string; messageId: string | null }): ReactNode {
  return <p>Coming soon.</p>;
}
