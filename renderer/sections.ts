// The sidebar's sections, in order. Each has a route (#/<id>), a label and an icon name.
import {
  Activity,
  Calendar,
  Cloud,
  Contact,
  Image,
  LayoutDashboard,
  LifeBuoy,
  Mail,
  Map,
  MessageSquare,
  NotebookText,
  Settings,
  ShieldCheck,
  Smartphone,
  type LucideIcon,
} from 'lucide-react';

export type SectionId =
  | 'dashboard'
  | 'photos'
  | 'messages'
  | 'notes'
  | 'contacts'
  | 'calendar'
  | 'email'
  | 'datamap'
  | 'devices'
  | 'cloud'
  | 'recovery'
  | 'privacy'
  | 'activity'
  | 'settings';

export interface Section {
  id: SectionId;
  label: string;
  icon: LucideIcon;
  group: 'library' | 'keep' | 'app';
}

export const sections: Section[] = [
  { id: 'dashboard', label: 'Dashboard', icon: LayoutDashboard, group: 'library' },
  { id: 'photos', label: 'Photos', icon: Image, group: 'library' },
  { id: 'messages', label: 'Messages', icon: MessageSquare, group: 'library' },
  { id: 'notes', label: 'Notes', icon: NotebookText, group: 'library' },
  { id: 'contacts', label: 'Contacts', icon: Contact, group: 'library' },
  { id: 'calendar', label: 'Calendar', icon: Calendar, group: 'library' },
  { id: 'email', label: 'Email', icon: Mail, group: 'library' },
  { id: 'datamap', label: 'Data map', icon: Map, group: 'keep' },
  { id: 'devices', label: 'Devices', icon: Smartphone, group: 'keep' },
  { id: 'cloud', label: 'Cloud', icon: Cloud, group: 'keep' },
  { id: 'recovery', label: 'Recovery', icon: LifeBuoy, group: 'keep' },
  { id: 'privacy', label: 'Privacy', icon: ShieldCheck, group: 'keep' },
  { id: 'activity', label: 'Activity', icon: Activity, group: 'app' },
  { id: 'settings', label: 'Settings', icon: Settings, group: 'app' },
];

export function isSectionId(s: string): s is SectionId {
  return sections.some((x) => x.id === s);
}
