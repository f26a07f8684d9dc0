import type { ReactNode } from 'react';

// Placeholder until this screen is built.
export function Sidebar(): ReactNode {
  return <p>Coming soon.</p>;
}
