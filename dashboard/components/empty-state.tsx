import type { ReactNode } from 'react';

/** What a widget shows when there is nothing to show, with a hint of why. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty" data-testid="empty-state">
      <strong>{title}</strong>
      {children && <span>{children}</span>}
    </div>
  );
}
