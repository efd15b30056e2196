// Every `keepsake` command, in the order `keepsake --help` lists them. Commands load on
// demand: `keepsake backup` should not pay for the cloud SDKs, the PDF library or the web
// host (loading them all took over a second and ~190 MB on every run).
import type { Command } from '../command';

export interface CommandEntry {
  name: string;
  /** One line for `keepsake --help`. */
  summary: string;
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  { name: 'init', summary: 'Create an encrypted vault in the data folder.', load: async () => (await import('./init')).initCommand },
  { name: 'unlock', summary: 'Check that the passphrase opens the vault; --session keeps it unlocked for later commands.', load: async () => (await import('./unlock')).unlockCommand },
  { name: 'lock', summary: 'End the session started by "keepsake unlock --session".', load: async () => (await import('./lock')).lockCommand },
  { name: 'import', summary: 'Import exports and backups (contacts, calendars, messages, email, notes, photos…).', load: async () => (await import('./import')).importCommand },
  { name: 'watch', summary: 'Watch folders (where a phone drops exports) and import what appears in them.', load: async () => (await import('./watch')).watchCommand },
  { name: 'backup', summary: 'Back up a folder into the vault (incremental; one snapshot per run).', load: async () => (await import('./backup')).backupCommand },
  { name: 'restore', summary: 'Restore a snapshot (or "latest") into a folder.', load: async () => (await import('./restore')).restoreCommand },
  { name: 'check', summary: 'Check the vault (--read-data: decrypt and verify every chunk).', load: async () => (await import('./check')).checkCommand },
  { name: 'stats', summary: 'Show what the vault holds (items, bytes, packs, snapshots).', load: async () => (await import('./stats')).statsCommand },
  { name: 'search', summary: 'Search messages, notes, email, contacts, events and photos.', load: async () => (await import('./search')).searchCommand },
  { name: 'target', summary: 'Add, list and remove the cloud targets the vault is mirrored to.', load: async () => (await import('./target')).targetCommand },
  { name: 'sync', summary: 'Mirror the vault to its cloud targets now (encrypted, verified).', load: async () => (await import('./sync')).syncCommand },
  { name: 'restore-vault', summary: 'Rebuild the whole vault on this computer from a cloud target and the recovery key.', load: async () => (await import('./restore-vault')).restoreVaultCommand },
  { name: 'restore-device', summary: 'Restore your data for a new phone: an export bundle or a paired phone, with a verification report.', load: async () => (await import('./restore-device')).restoreDeviceCommand },
  { name: 'erase', summary: 'Erase items everywhere Keepsake keeps them, with a receipt.', load: async () => (await import('./erase')).eraseCommand },
  { name: 'receipts', summary: 'List erasure and export receipts, check their chain, or save one as a page.', load: async () => (await import('./receipts')).receiptsCommand },
  { name: 'privacy-report', summary: 'Download my data: everything Keepsake holds about you, in a folder, with a receipt.', load: async () => (await import('./privacy-report')).privacyReportCommand },
  { name: 'consent', summary: 'Show, verify or withdraw consents in the tamper-evident consent ledger.', load: async () => (await import('./consent')).consentCommand },
  { name: 'devices', summary: 'Pair phones, list and configure them, and run the gateway they sync with.', load: async () => (await import('./devices')).devicesCommand },
  { name: 'passphrase', summary: 'Change the vault passphrase.', load: async () => (await import('./passphrase')).passphraseCommand },
  { name: 'recovery-key', summary: 'Make a new recovery key (rotate) or check that one still opens the vault (check).', load: async () => (await import('./recovery-key')).recoveryKeyCommand },
  { name: 'kit', summary: 'Save the Emergency Kit (recovery key + QR code) as a PDF or HTML page.', load: async () => (await import('./kit')).kitCommand },
  { name: 'serve', summary: 'Serve the Keepsake UI to a browser on this computer (headless use).', load: async () => (await import('./serve')).serveCommand },
];
