// A small, realistic library for the browse tests, the e2e seed script and the bench:
// items shaped exactly as intake writes them (SMS Backup & Restore messages and calls,
// vCard contacts, iCalendar events with expanded occurrences, mbox email with HTML and
// an attachment, Keep notes, photos with EXIF place/camera and thumbnails, a screenshot).
import sharp from 'sharp';
import type { NewItem } from '../../../main/core/vault/types';
import type { Vault } from '../../../main/core/vault/vault';

export const KNOWN = {
  contactName: 'Ada Lovelace',
  contactPhone: '+44 20 7946 0018',
  threadAddress: '+15551230001',
  threadName: 'Grace Hopper',
  threadText: 'Are we still on for the harbour walk on Saturday?',
  photoPlace: { lat: 48.8584, lon: 2.2945 },
  photoCamera: 'Google Pixel 3',
  noteTitle: 'Sourdough starter',
  emailSubject: 'Flight confirmation LIS → OSL',
  eventTitle: 'Piano lesson',
  /** The second attachment of the email and of the note: what streaming by ordinal must return. */
  itineraryText: 'Seat 14A · departs 07:40 · gate opens 07:00\n',
  wishlistText: 'The Left Hand of Darkness\nKindred\n',
};

const DAY = 86_400_000;
/** A fixed "now" so every run lays out the same: 2024-06-15 12:00 UTC. */
export const SEED_NOW = Date.UTC(2024, 5, 15, 12);

export async function colourJpeg(r: number, g: number, b: number, size = 64): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background: { r, g, b } } }).jpeg({ quality: 70 }).toBuffer();
}

export async function seedLibrary(vault: Vault): Promise<void> {
  const items: NewItem[] = [];
  const msg = (i: number, address: string, who: string | null, direction: 'received' | 'sent', body: string, at: number): NewItem => ({
    category: 'message',
    sourceKey: `sms:${address}:${i}`,
    occurredAt: at,
    title: who ?? address,
    text: [who, address, body].filter(Boolean).join('\n'),
    fields: { format: 'sms-backup-restore', kind: 'sms', direction, address, body, ...(who ? { contactName: who } : {}) },
    personal: true,
  });
  const t0 = SEED_NOW - 2 * DAY;
  items.push(
    msg(1, KNOWN.threadAddress, KNOWN.threadName, 'received', 'Morning! Did the parcel arrive?', t0),
    msg(2, KNOWN.threadAddress, KNOWN.threadName, 'sent', 'Yes, thank you — the tea is lovely.', t0 + 60_000 * 7),
    msg(3, KNOWN.threadAddress, KNOWN.threadName, 'received', KNOWN.threadText, t0 + 60_000 * 90),
    msg(4, '+15559870002', 'Linus', 'received', 'Build is green again.', t0 - 5 * DAY),
    msg(5, '+15559870002', 'Linus', 'sent', 'Great, merging now.', t0 - 5 * DAY + 120_000),
  );
  items.push({
    category: 'message',
    sourceKey: 'mms:1',
    occurredAt: t0 + 60_000 * 95,
    title: KNOWN.threadName,
    text: `${KNOWN.threadName}\n${KNOWN.threadAddress}\nThe view from the top`,
    fields: { format: 'sms-backup-restore', kind: 'mms', direction: 'received', address: KNOWN.threadAddress, body: 'The view from the top', contactName: KNOWN.threadName, parts: [{ ct: 'image/jpeg', file: 'view.jpg' }, { ct: 'image/jpeg', file: 'harbour.jpg' }] },
    personal: true,
    files: [
      { role: 'attachment', name: 'view.jpg', mime: 'image/jpeg', data: await colourJpeg(70, 130, 180, 160) },
      { role: 'attachment', name: 'harbour.jpg', mime: 'image/jpeg', data: await colourJpeg(30, 150, 120, 120) },
    ],
  });
  items.push(
    { category: 'call', sourceKey: 'call:1', occurredAt: t0 + DAY, title: KNOWN.threadName, text: `${KNOWN.threadName}\n${KNOWN.threadAddress}`, fields: { format: 'sms-backup-restore', kind: 'incoming', number: KNOWN.threadAddress, durationSeconds: 754, contactName: KNOWN.threadName }, personal: true },
    { category: 'call', sourceKey: 'call:2', occurredAt: t0 + DAY + 3600_000, title: '+15550000000', text: '+15550000000', fields: { format: 'sms-backup-restore', kind: 'missed', number: '+15550000000', durationSeconds: 0 }, personal: true },
  );
  const contact = (key: string, fn: string, phone: string, email: string, extra: Record<string, unknown> = {}): NewItem => ({
    category: 'contact',
    sourceKey: `vcard-uid:${key}`,
    title: fn,
    text: [fn, phone, email].join('\n'),
    fields: { format: 'vcard', version: '3.0', fn, name: { family: fn.split(' ')[1] ?? '', given: fn.split(' ')[0] ?? '', additional: '', prefix: '', suffix: '' }, phones: [{ value: phone, types: ['cell'] }], emails: [{ value: email, types: ['home'] }], addresses: [], ...extra },
    personal: true,
  });
  items.push(
    contact('ada', KNOWN.contactName, KNOWN.contactPhone, 'ada@analytical.example', { org: 'Analytical Engines Ltd', birthday: '1815-12-10', addresses: [{ components: ['', '', '12 St James’s Square', 'London', '', 'SW1Y 4JH', 'United Kingdom'], types: ['home'] }] }),
    contact('grace', KNOWN.threadName, KNOWN.threadAddress, 'grace@navy.example'),
    contact('linus', 'Linus Torvalds', '+15559870002', 'linus@kernel.example'),
  );
  items.push(
    { category: 'note', sourceKey: 'keep:1', occurredAt: SEED_NOW - 10 * DAY, title: KNOWN.noteTitle, text: `${KNOWN.noteTitle}\nFeed 1:1:1 flour, water, starter every morning. Warm spot by the oven.`, fields: { format: 'google-keep', text: 'Feed 1:1:1 flour, water, starter every morning. Warm spot by the oven.' }, personal: true },
    {
      category: 'note',
      sourceKey: 'keep:2',
      occurredAt: SEED_NOW - 40 * DAY,
      title: 'Books to read',
      text: 'Books to read\nThe Dispossessed\nPiranesi',
      fields: { format: 'google-keep', text: 'The Dispossessed\nPiranesi' },
      personal: true,
      files: [
        { role: 'attachment', name: 'shelf.jpg', mime: 'image/jpeg', data: await colourJpeg(150, 90, 60, 120) },
        { role: 'attachment', name: 'wishlist.txt', mime: 'text/plain', data: Buffer.from(KNOWN.wishlistText) },
      ],
    },
  );
  const weekly = Array.from({ length: 20 }, (_, i) => Date.UTC(2024, 4, 1, 16) + i * 7 * DAY);
  items.push(
    { category: 'event', sourceKey: 'ics:piano', occurredAt: weekly[0]!, title: KNOWN.eventTitle, text: `${KNOWN.eventTitle}\nMusic school`, fields: { format: 'icalendar', component: 'VEVENT', summary: KNOWN.eventTitle, allDay: false, location: 'Music school', start: '2024-05-01T16:00:00Z', end: '2024-05-01T17:00:00Z', rrule: 'FREQ=WEEKLY;COUNT=20', occurrences: weekly, occurrencesTruncated: false }, personal: true },
    { category: 'event', sourceKey: 'ics:dentist', occurredAt: Date.UTC(2024, 5, 20, 9), title: 'Dentist', text: 'Dentist', fields: { format: 'icalendar', component: 'VEVENT', summary: 'Dentist', allDay: false, start: '2024-06-20T09:00:00Z', end: '2024-06-20T09:30:00Z' }, personal: true },
  );
  items.push({
    category: 'email',
    sourceKey: 'email:1',
    occurredAt: SEED_NOW - 3 * DAY,
    title: KNOWN.emailSubject,
    text: `${KNOWN.emailSubject}\nTravel Desk <desk@air.example>\nYour booking reference is K7Q2PX.\nboarding-pass.pdf`,
    fields: {
      format: 'email',
      subject: KNOWN.emailSubject,
      from: [{ name: 'Travel Desk', address: 'desk@air.example' }],
      to: [{ name: 'Me', address: 'me@home.example' }],
      cc: [],
      text: 'Your booking reference is K7Q2PX.',
      html: '<p>Your booking reference is <b>K7Q2PX</b>.</p><script>alert(1)</script><img src="https://tracker.example/p.gif">',
      attachments: [
        { name: 'boarding-pass.pdf', contentType: 'application/pdf' },
        { name: 'itinerary.txt', contentType: 'text/plain' },
      ],
    },
    personal: true,
    files: [
      { role: 'attachment', name: 'boarding-pass.pdf', mime: 'application/pdf', data: Buffer.from('%PDF-1.4\n% boarding pass\n') },
      { role: 'attachment', name: 'itinerary.txt', mime: 'text/plain', data: Buffer.from(KNOWN.itineraryText) },
    ],
  });
  const photo = async (i: number, at: number, colour: [number, number, number], place: { lat: number; lon: number } | null, category: 'photo' | 'screenshot' = 'photo'): Promise<NewItem> => ({
    category,
    sourceKey: `photo:${i}`,
    occurredAt: at,
    title: `IMG_${20240600 + i}.jpg`,
    text: `IMG_${20240600 + i}.jpg`,
    fields: { fileName: `IMG_${20240600 + i}.jpg`, mime: 'image/jpeg', format: 'jpeg', camera: { make: 'Google', model: KNOWN.photoCamera }, width: 320, height: 240, timeSource: 'exif', ...(place ? { placeSource: 'exif' } : {}) },
    personal: true,
    files: [
      { role: 'original', name: `IMG_${20240600 + i}.jpg`, mime: 'image/jpeg', data: await colourJpeg(...colour, 320) },
      { role: 'thumbnail', name: 'thumbnail.jpg', mime: 'image/jpeg', data: await colourJpeg(...colour, 96) },
    ],
    ...(place ? { location: place } : {}),
  });
  items.push(
    await photo(1, SEED_NOW - 1 * DAY, [200, 120, 80], KNOWN.photoPlace),
    await photo(2, SEED_NOW - 1 * DAY - 3600_000, [90, 160, 110], { lat: 48.86, lon: 2.3 }),
    await photo(3, SEED_NOW - 30 * DAY, [60, 90, 200], { lat: 35.6762, lon: 139.6503 }),
    await photo(4, SEED_NOW - 31 * DAY, [230, 200, 90], null),
    await photo(5, SEED_NOW - 2 * DAY, [240, 240, 240], null, 'screenshot'),
  );
  await vault.putItems(items);
}
