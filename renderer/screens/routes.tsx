// Which screen each section shows.
import type { ReactElement } from 'react';
import type { JobInfo } from '../../common/contract/jobs';
import type { SectionId } from '../sections';
import { ActivityScreen } from './ActivityScreen';
import { CalendarScreen } from './CalendarScreen';
import { ContactsScreen } from './ContactsScreen';
import { DashboardScreen } from './DashboardScreen';
import { DataMapScreen } from './DataMapScreen';
import { EmailScreen } from './EmailScreen';
import { MessagesScreen } from './MessagesScreen';
import { NotesScreen } from './NotesScreen';
import { PhotosScreen } from './photos/PhotosScreen';
import { CloudScreen } from './CloudScreen';
import { DevicesScreen } from './DevicesScreen';
import { PrivacyScreen } from './PrivacyScreen';
import { RecoveryScreen } from './RecoveryScreen';
import { SettingsScreen } from './SettingsScreen';

export function screenFor(section: SectionId, jobs: JobInfo[]): ReactElement {
  switch (section) {
    case 'dashboard':
      return <DashboardScreen />;
    case 'photos':
      return <PhotosScreen />;
    case 'messages':
      return <MessagesScreen />;
    case 'notes':
      return <NotesScreen />;
    case 'contacts':
      return <ContactsScreen />;
    case 'calendar':
      return <CalendarScreen />;
    case 'email':
      return <EmailScreen />;
    case 'datamap':
      return <DataMapScreen />;
    case 'devices':
      return <DevicesScreen />;
    case 'cloud':
      return <CloudScreen />;
    case 'recovery':
      return <RecoveryScreen />;
    case 'privacy':
      return <PrivacyScreen />;
    case 'activity':
      return <ActivityScreen jobs={jobs} />;
    case 'settings':
      return <SettingsScreen />;
  }
}
