'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

/** Navigates to `href` when Escape is pressed (closes the drawer it sits in). */
export function EscapeCloses({ href }: { href: string }) {
  const router = useRouter();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) router.push(href, { scroll: false });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [href, router]);
  return null;
}
