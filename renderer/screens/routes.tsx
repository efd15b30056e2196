// Which screen each section shows.
import { Calendar, Cloud, Contact, Image, LayoutDashboard, LifeBuoy, Mail, Map, MessageSquare, NotebookText, Smartphone } from 'lucide-react';
import type { ReactElement } from 'react';
import type { JobInfo } from '../../common/contract/jobs';
import type { SectionId } from '../sections';
import { useAppActions } from '../app-actions';
import { ActivityScreen } from './ActivityScreen';
import { GuideScreen } from './GuideScreen';
import { LibraryScreen } from './LibraryScreen';
import { PrivacyScreen } from './PrivacyScreen';
import { SettingsScreen } from './SettingsScreen';

function ImportButton({ primary = true }: { primary?: boolean }) {
  const { openImport } = useAppActions();
  return (
    <button type="button" className={primary ? 'button primary' : 'button'} onClick={openImport}>
      Import…
    </button>
  );
}

export function screenFor(section: SectionId, jobs: JobInfo[]): ReactElement {
  switch (section) {
    case 'dashboard':
      return (
        <GuideScreen title="Dashboard" subtitle="Your devices, backups and where everything is kept." icon={LayoutDashboard} heading="Welcome to Keepsake" actions={<ImportButton />}>
          Nothing imported yet. Import a phone backup or export you already have (Android, iPhone, Google Takeout, vCard, calendar, SMS Backup &amp; Restore, mail, photo folders), or pair a phone to back it up over your home network.
        </GuideScreen>
      );
    case 'photos':
      return <LibraryScreen title="Photos" icon={Image} what="photos or videos" sources="Import a photo folder, a Google Takeout archive or a phone backup to see your photos on a timeline and a map." />;
    case 'messages':
      return <LibraryScreen title="Messages" icon={MessageSquare} what="messages" sources="Import an SMS Backup & Restore file, an Android or iPhone backup to read your conversations and call log." />;
    case 'notes':
      return <LibraryScreen title="Notes" icon={NotebookText} what="notes" sources="Import a Google Keep Takeout, Evernote .enex, Bear backup or a folder of text and Markdown files." />;
    case 'contacts':
      return <LibraryScreen title="Contacts" icon={Contact} what="contacts" sources="Import a vCard (.vcf) file, a Google Takeout archive or a phone backup." />;
    case 'calendar':
      return <LibraryScreen title="Calendar" icon={Calendar} what="events" sources="Import an iCalendar (.ics) file, a Google Takeout archive or a phone backup." />;
    case 'email':
      return <LibraryScreen title="Email" icon={Mail} what="email" sources="Import an mbox file (Google Takeout Mail, Thunderbird) or .eml messages." />;
    case 'datamap':
      return (
        <GuideScreen title="Data map" subtitle="Every place each personal item is stored." icon={Map} heading="No copies to map yet" actions={<ImportButton />}>
          Once something is imported, this map shows each category against each place a copy lives — your phones, this computer&apos;s vault, each cloud target, snapshots and exports — with counts, sizes and how each copy is encrypted.
        </GuideScreen>
      );
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
      return (
        <GuideScreen title="Recovery" subtitle="Put your data onto a new phone." icon={LifeBuoy} heading="Nothing to restore yet" actions={<ImportButton primary={false} />}>
          When your vault holds messages, contacts, photos, notes or calendars, restore them onto a paired new phone or into an export bundle any phone can import. Location data is shared only if you say so.
        </GuideScreen>
      );
    case 'privacy':
      return <PrivacyScreen />;
    case 'activity':
      return <ActivityScreen jobs={jobs} />;
    case 'settings':
      return <SettingsScreen />;
  }
}
