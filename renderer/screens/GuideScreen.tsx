// A section with nothing in it yet: what it is for and the next step, with real actions.
import type { LucideIcon } from 'lucide-react';
import type { ReactNode } from 'react';
import { Screen } from '../components/Screen';
import { EmptyState } from '../components/EmptyState';

interface Props {
  title: string;
  subtitle: string;
  icon: LucideIcon;
  heading: string;
  children: ReactNode;
  actions?: ReactNode;
}

export function GuideScreen({ title, subtitle, icon, heading, children, actions }: Props) {
  return (
    <Screen title={title} subtitle={subtitle}>
      <EmptyState icon={icon} title={heading} actions={actions}>
        {children}
      </EmptyState>
    </Screen>
  );
}
