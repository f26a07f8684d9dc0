import type { ReactNode } from 'react';

// Placeholder until this screen is built.
export function Search(): ReactNode {
  return <p>Coming soon.</p>;
}
