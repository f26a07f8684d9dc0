import type { ReactNode } from 'react';

// Placeholder until this screen is built.
export function Contacts(): ReactNode {
  return <p>Coming soon.</p>;
}
