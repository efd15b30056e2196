// What a screen shows when there is nothing to show yet: what would be here, and what to do next.
import type { LucideIcon } from 'lucide-react';
import type { ReactNode } from 'react';

interface Props {
  icon: LucideIcon;
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}

export function EmptyState({ icon: Icon, title, children, actions }: Props) {
  return (
    <div className="empty-state">
      <Icon size={40} strokeWidth={1.4} aria-hidden="true" />
      <h2>{title}</h2>
      <p>{children}</p>
      {actions ? <div className="empty-actions">{actions}</div> : null}
    </div>
  );
}
