import type { ReactNode } from 'react';

// Placeholder until this screen is built.
export function Profile(): ReactNode {
  return <p>Coming soon.</p>;
}
