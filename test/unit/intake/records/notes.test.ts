// Notes fixtures (notes/): the Google Keep Takeout folder (text, checklists, labels,
// archived/trashed/pinned, attachments beside the JSON, dangling attachments, broken JSON),
// Evernote .enex (task lists, resources, an encrypted section kept opaque, places), and a
// Bear backup (archived, trashed and encrypted notes, assets).
import { describe, expect, it } from 'vitest';
import { importBear } from '../../../../main/core/intake/records/bear';
import { importEnex } from '../../../../main/core/intake/records/enex';
import { importKeepLabels, importKeepNote } from '../../../../main/core/intake/records/keep';
import { importTextNote } from '../../../../main/core/intake/records/text-note';
import type { Importer } from '../../../../main/core/intake/types';
import { fieldsOf, fileBytes, fixtureFiles, runBytes, runFixture } from './helpers';

type KeepFields = { title: string; text: string; checklist: Array<{ text: string; checked: boolean }>; labels: string[]; color: string; archived: boolean; trashed: boolean; pinned: boolean; attachments: Array<{ filePath: string; missing?: boolean; bytes?: number }>; annotations?: Array<{ url: string }>; createdAt?: number; editedAt?: number };
type EnexFields = { title: string; text: string; enml: string; hasEncryptedContent?: boolean; encryptedSections?: Array<{ cipher: string; length: string; hint: string; ciphertext: string }>; resources: Array<{ name: string; mime: string }>; attributes: Record<string, string> };
type BearFields = { pinned: boolean; archived: boolean; trashed: boolean; encrypted: boolean; tags: string[]; bear: Record<string, unknown> };

const K = 'notes/keep_takeout/Keep/';

function importerFor(rel: string): Importer | null {
  if (rel.endsWith('.enex')) return importEnex;
  if (rel.endsWith('.bear2bk')) return importBear;
  if (rel.endsWith('Labels.txt')) return importKeepLabels;
  if (rel.endsWith('.json')) return importKeepNote;
  return null; // attachments: read through their note
}

describe('notes fixtures', () => {
  it('covers every file in notes/: notes imported, attachments through their note, broken JSON refused', async () => {
    const attachmentsSeen = new Set<string>();
    const files = fixtureFiles('notes');
    for (const rel of files) {
      const imp = importerFor(rel);
      if (!imp) continue;
      const out = await runFixture(imp, rel);
      if (rel.endsWith('_broken-json-note.json')) {
        expect(out.error?.code).toBe('CORRUPT');
        expect(out.error?.message).toMatch(/JSON is broken/);
        continue;
      }
      expect(out.error, rel).toBeNull();
      expect(out.items.length, rel).toBe(rel.endsWith('.bear2bk') ? 6 : rel.endsWith('test-resource-attributes-single-child.enex') ? 2 : 1);
      for (const i of out.items) {
        expect(i.category).toBe('note');
        for (const f of i.files ?? []) if (f.role === 'attachment') attachmentsSeen.add(f.name);
      }
    }
    for (const rel of files.filter((f) => !importerFor(f))) expect(attachmentsSeen, rel).toContain(rel.split('/').pop());
  });

  it('reads Keep text, checklists, labels, colour and flags', async () => {
    const check = await runFixture(importKeepNote, `${K}Checklist note.json`);
    const c = fieldsOf<KeepFields>(check.items[0]);
    expect(c.checklist.map((x) => x.text)).toEqual(['First item', 'Second item and #hashtag', 'First sub-item', `Second sub-item and #labelWith!'@:$"Symbols`, 'Third item']);
    expect(c.labels).toEqual([`labelWith!'@:$"Symbols`]);
    expect(check.items[0]!.text).toContain('[ ] Third item');
    expect(check.items[0]!.occurredAt).toBe(1690866308447);
    const flags = async (name: string) => fieldsOf<KeepFields>((await runFixture(importKeepNote, `${K}${name}`)).items[0]);
    expect((await flags('Archived note.json')).archived).toBe(true);
    expect((await flags('Deleted note.json')).trashed).toBe(true);
    expect((await flags('Pinned text note.json')).pinned).toBe(true);
    expect((await flags('Background colour note.json')).color).not.toBe('DEFAULT');
    expect((await flags('Image, label, and body text note.json')).color).toBe('BLUE');
    const multi = await runFixture(importKeepNote, `${K}Multiline title note_Second line.json`);
    expect(multi.items[0]!.title).toBe('Multiline title note\nSecond line');
  });

  it('attaches drawings and voice recordings found beside the JSON, and reports dangling ones', async () => {
    const drawings = await runFixture(importKeepNote, `${K}Drawings (multiple) note.json`);
    expect(fileBytes(drawings.items[0]!, '1690514342456.1074605235.png').length).toBe(94572);
    expect(fileBytes(drawings.items[0]!, '1690514400167.1149307624.png').length).toBe(33557);
    const voice = await runFixture(importKeepNote, `${K}Voice recording.json`);
    expect(voice.items[0]!.files?.[1]).toMatchObject({ name: '1690859067849.259766.1353747803.3gp', mime: 'audio/3gp' }); // as the JSON declares it
    const gif = await runFixture(importKeepNote, `${K}GIF note.json`);
    expect(gif.items).toHaveLength(1);
    expect(fieldsOf<KeepFields>(gif.items[0]).attachments).toEqual([{ filePath: '1690859377636.1321389221.gif', mime: 'image/gif', missing: true }]);
    expect(gif.refusals[0]?.reason).toMatch(/not in the export; the note was kept without it/);
  });

  it('reads the label list and web-link annotations; a note without an edit time falls back to creation', async () => {
    const labels = await runFixture(importKeepLabels, `${K}Labels.txt`);
    expect(fieldsOf<{ labels: string[] }>(labels.items[0]).labels).toHaveLength(14);
    expect(fieldsOf<{ labels: string[] }>(labels.items[0]).labels).toContain('label with spaces');
    const ann = await runFixture(importKeepNote, 'notes/keep_misc/keep-note-with-annotations.json');
    expect(fieldsOf<KeepFields>(ann.items[0]).annotations?.map((a) => a.url)).toEqual(['https://www.icann.org/compliance/complaint', 'https://www.cloudflare.com/']);
    // _invalid-keep-json-note.json (marked INVALID upstream because an importer required
    // userEditedTimestampUsec) holds the same note as keep_misc/missing-user-edited-timestamp.json:
    // a valid Keep note lacking the edit time. Both are imported, dated by creation time.
    for (const rel of ['notes/keep_misc/missing-user-edited-timestamp.json', `${K}_invalid-keep-json-note.json`]) {
      const out = await runFixture(importKeepNote, rel);
      expect(out.items[0]!.occurredAt, rel).toBe(1690426307496);
      expect(fieldsOf<KeepFields>(out.items[0]).editedAt, rel).toBeUndefined();
    }
  });

  it('refuses JSON that is not a Keep note, and broken JSON, with reasons', async () => {
    const other = await runBytes(importKeepNote, 'photo.json', '{"title":"IMG_1.jpg","photoTakenTime":{"timestamp":"1"}}');
    expect(other.error?.message).toBe('This is valid JSON but not a Google Keep note (no text or checklist and no Keep note flags).');
    const broken = await runFixture(importKeepNote, `${K}_broken-json-note.json`);
    expect(broken.error?.message).toMatch(/^This Keep note's JSON is broken \(.*position 361.*\); nothing could be read from it\.$/);
  });

  it('reads Evernote task lists, resources, places and reminders', async () => {
    const tasks = await runFixture(importEnex, 'notes/enex__test-task-lists.enex');
    expect(tasks.items[0]!.text).toContain('[ ] Open task');
    expect(tasks.items[0]!.text).toContain('[x] Done task');
    const pdf = await runFixture(importEnex, 'notes/enex__yarle_test-pdfAttachment.enex');
    expect(pdf.items[0]!.files?.[0]).toMatchObject({ name: 'sample.pdf', mime: 'application/pdf' });
    expect(fileBytes(pdf.items[0]!, 'sample.pdf').subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.items[0]!.location).toEqual({ lat: 46.37551879882812, lon: 18.13960456000356 });
    expect(fieldsOf<EnexFields>(pdf.items[0]).attributes.author).toBe('akos');
    const undated = await runFixture(importEnex, 'notes/enex__prior-state_no-updated-time.enex');
    expect(undated.items[0]!.occurredAt).toBe(Date.UTC(2024, 0, 1));
    const web = await runFixture(importEnex, 'notes/enex__source-of-webclip.enex');
    expect(fieldsOf<EnexFields>(web.items[0]).attributes['source-url']).toMatch(/^https?:/);
  });

  it('keeps an Evernote encrypted section as opaque ciphertext and says so', async () => {
    const { items } = await runFixture(importEnex, 'notes/enex__yarle_test-encryption.enex');
    const f = fieldsOf<EnexFields>(items[0]);
    expect(f.hasEncryptedContent).toBe(true);
    expect(f.encryptedSections).toEqual([{ cipher: 'AES', length: '128', hint: 'this is a hint', ciphertext: expect.stringMatching(/^RU5DMCR2SQ\/8U0qV/) }]);
    expect(items[0]!.text).toContain('This is NOT an encrypted test');
    expect(items[0]!.text).toContain('[encrypted section]');
    expect(f.enml).toContain('<en-crypt');
  });

  it('reads a Bear backup: flags from info.json, tags, assets, and the encrypted note as metadata', async () => {
    const { items } = await runFixture(importBear, 'notes/obsimp__backup.bear2bk');
    const by = (t: string) => items.find((i) => i.title === t)!;
    expect(items.map((i) => i.title).sort()).toEqual(['Archived File', 'Encrypted File', 'File with asset, content, and a tag', 'File with heading only, no content', 'Has no file heading, only content in the body of the file', 'Trashed file'].sort());
    const asset = by('File with asset, content, and a tag');
    expect(fileBytes(asset, 'acorn.jpeg').length).toBe(62171);
    expect(fieldsOf<BearFields>(asset).tags.length).toBeGreaterThan(0);
    expect(fieldsOf<BearFields>(by('Trashed file')).trashed).toBe(true);
    expect(fieldsOf<BearFields>(by('Encrypted File')).encrypted).toBe(true);
    expect(fieldsOf<BearFields>(by('Archived File')).bear.lastEditingDevice).toBe('iSpeedy');
  });

  it('reads plain text and Markdown notes, and refuses binary data', async () => {
    const md = await runBytes(importTextNote, 'shopping.md', '# Shopping\n\n- milk\n- eggs\n');
    expect(md.items[0]).toMatchObject({ category: 'note', title: 'Shopping', text: '# Shopping\n\n- milk\n- eggs\n', fields: { format: 'markdown' } });
    const txt = await runBytes(importTextNote, 'todo.txt', Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x0a])); // "Café" in Latin-1
    expect(txt.items[0]!.text).toBe('Café\n');
    expect(txt.refusals[0]?.reason).toMatch(/not valid UTF-8/);
    const bin = await runBytes(importTextNote, 'x.txt', Buffer.from([0x50, 0x00, 0x01]));
    expect(bin.error?.message).toMatch(/binary data/);
  });
});
