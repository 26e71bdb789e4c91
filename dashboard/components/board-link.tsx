'use client';

import type { ReactNode } from 'react';

/** Link to the BullMQ board that passes the dashboard's current theme (`?theme=`), so the board opens in it. */
export function BoardLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <a
      className="btn"
      href={href}
      target="_blank"
      rel="noreferrer"
      data-testid="board-link"
      onClick={(event) => {
        const theme = document.documentElement.dataset.theme === 'light' ? 'light' : 'dark';
        event.currentTarget.href = `${href}?theme=${theme}`;
      }}
    >
      {children}
    </a>
  );
}
