// Which screen each section shows.
import { Cloud, Smartphone } from 'lucide-react';
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
import { GuideScreen } from './GuideScreen';
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
      return (
        <GuideScreen title="Devices" subtitle="Phones that back up to this computer." icon={Smartphone} heading="No phones paired yet">
          Pair a phone to back it up over your home network, with no cable and no vendor cloud. Pairing shows a QR code that the phone scans; from then on both sides pin each other&apos;s certificate.
        </GuideScreen>
      );
    case 'cloud':
      return (
        <GuideScreen title="Cloud" subtitle="End-to-end encrypted copies of your vault." icon={Cloud} heading="No cloud targets yet">
          Add an S3-compatible bucket, a WebDAV server (Nextcloud, ownCloud, a NAS) or a folder such as an external drive. The provider only ever sees encrypted data.
        </GuideScreen>
      );
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
