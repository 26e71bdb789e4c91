'use client';

import { useRouter } from 'next/navigation';
import type { ReactNode } from 'react';

/**
 * A table row that opens `href` when clicked anywhere, except on a link or button inside it (those keep their own
 * target) or when the click ends a text selection. The cells' own links stay for keyboard and middle-click use.
 */
export function ClickableRow({
  href,
  className,
  children,
  ...data
}: {
  href: string;
  className?: string;
  children: ReactNode;
  'data-testid'?: string;
  'data-id'?: string;
}) {
  const router = useRouter();
  return (
    <tr
      className={['clickable', className].filter(Boolean).join(' ')}
      onClick={(event) => {
        if ((event.target as HTMLElement).closest('a, button')) return;
        if (window.getSelection()?.toString()) return;
        router.push(href, { scroll: false });
      }}
      {...data}
    >
      {children}
    </tr>
  );
}
