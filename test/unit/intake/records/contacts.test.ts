// vCard fixtures (contacts/): every file imported with the right contact count and the
// names, numbers, groups, charsets and photos the file holds; the malformed photo is
// refused with a reason while its contact is kept.
import { describe, expect, it } from 'vitest';
import { importVCard } from '../../../../main/core/intake/records/vcard';
import { fieldsOf, fileBytes, fixtureFiles, runBytes, runFixture } from './helpers';

type Phone = { value: string; types: string[]; group?: string };
type ContactFields = { version: string; fn: string; name: Record<string, string>; phones: Phone[]; emails: Phone[]; org?: string; uid?: string; note?: string; prodid?: string; properties: Array<{ name: string; group?: string; value: string; params: Record<string, string[]> }> };

/** Contacts per file, from reading each file by eye (BEGIN:VCARD count, nested cards included). */
const COUNTS: Record<string, number> = {
  'aospvc__v21_base64_no_2_crlf.vcf': 1,
  'aospvc__v21_complicated.vcf': 1,
  'aospvc__v21_invalid_comment_line.vcf': 1,
  'aospvc__v21_invalid_multiple_line.vcf': 1,
  'aospvc__v21_japanese_1.vcf': 1,
  'aospvc__v21_japanese_2.vcf': 1,
  'aospvc__v21_malformed_photo.vcf': 1,
  'aospvc__v21_multiple_entry.vcf': 3,
  'aospvc__v21_nest.vcf': 3,
  'aospvc__v21_winmo_65.vcf': 1,
  'aospvc__v30_ios_613_multiline.vcf': 1,
  'aospvc__v30_japanese.vcf': 1,
  'aospvc__v40_sort_as.vcf': 1,
  'ezvcard__John_Doe_ANDROID.vcf': 6,
  'ezvcard__John_Doe_BLACK_BERRY.vcf': 1,
  'ezvcard__John_Doe_EVOLUTION.vcf': 1,
  'ezvcard__John_Doe_GMAIL.vcf': 1,
  'ezvcard__John_Doe_IPHONE.vcf': 1,
  'ezvcard__John_Doe_LOTUS_NOTES.vcf': 1,
  'ezvcard__John_Doe_MAC_ADDRESS_BOOK.vcf': 1,
  'ezvcard__John_Doe_MS_OUTLOOK.vcf': 1,
  'ezvcard__gmail-list.vcf': 3,
  'ezvcard__gmail-single2.vcf': 1,
  'ezvcard__outlook-2003.vcf': 1,
  'ezvcard__outlook-2007.vcf': 1,
  'ezvcard__rfc6350-example.vcf': 1,
  'ezvcard__thunderbird-MoreFunctionsForAddressBook-extension.vcf': 1,
  'pyvobj__radicale-1587.vcf': 1,
  'sabre__issue153.vcf': 1,
  'sabre__issue64.vcf': 1,
};

describe('vCard fixtures', () => {
  it('covers every file in contacts/ and imports each with its contact count', async () => {
    const files = fixtureFiles('contacts');
    expect(files.map((f) => f.split('/').pop()).sort()).toEqual(Object.keys(COUNTS).sort());
    for (const rel of files) {
      const out = await runFixture(importVCard, rel);
      expect(out.error, rel).toBeNull();
      expect(out.items.length, rel).toBe(COUNTS[rel.split('/').pop()!]);
      for (const item of out.items) {
        expect(item.category).toBe('contact');
        expect(item.personal).toBe(true);
        expect(item.files?.[0]?.role, rel).toBe('original');
      }
    }
  });

  it('reads vCard 2.1 quoted-printable with soft line breaks and CHARSET=UTF-8 (Android)', async () => {
    const { items } = await runFixture(importVCard, 'contacts/ezvcard__John_Doe_ANDROID.vcf');
    expect(items.map((i) => i.title)).toEqual(['john.doe@company.com', 'jane.doe@company.com', 'Ñ Ñ Ñ Ñ Ñ', 'Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ', 'Ñ Ñ Ñ Ñ', 'ÑÑÑÑ']);
    expect(fieldsOf<ContactFields>(items[2]).phones).toEqual([{ value: '123456789', types: ['cell', 'pref'] }]);
    const withPhoto = items[4]!;
    const photo = fileBytes(withPhoto, 'photo.jpg');
    expect(photo.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  });

  it('keeps iPhone item groups, X-ABLabel, folded lines and the 32 KB embedded JPEG', async () => {
    const { items } = await runFixture(importVCard, 'contacts/ezvcard__John_Doe_IPHONE.vcf');
    const f = fieldsOf<ContactFields>(items[0]);
    expect(items[0]!.title).toBe('Mr. John Richter James Doe Sr.');
    expect(f.version).toBe('3.0');
    expect(f.name).toEqual({ family: 'Doe', given: 'John', additional: 'Richter,James', prefix: 'Mr.', suffix: 'Sr.' });
    expect(f.org).toBe('IBM, Accounting');
    expect(f.prodid).toBe('-//Apple Inc.//iOS 5.0.1//EN');
    expect(f.phones.map((p) => p.value)).toEqual(['905-555-1234', '905-666-1234', '905-777-1234', '905-888-1234', '905-999-1234', '905-111-1234', '905-222-1234']);
    expect(f.phones[6]).toEqual({ value: '905-222-1234', types: [], group: 'item2' });
    const label = f.properties.find((p) => p.group === 'item2' && p.name === 'X-ABLABEL');
    expect(label?.value).toBe('_$!<AssistantPhone>!$_');
    const adr = f.properties.find((p) => p.group === 'item4' && p.name === 'ADR');
    expect(adr?.value).toBe(';;Street4\nBuilding 6\nFloor 8;New York;;12345;USA');
    const url = f.properties.find((p) => p.name === 'URL');
    expect(url?.value).toBe('http://www.ibm.com');
    const photo = fileBytes(items[0]!, 'photo.jpg');
    expect(photo.length).toBe(32531);
    expect(photo.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(photo.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
  });

  it('decodes Shift_JIS property values in 2.1 and 3.0, including QP across soft breaks', async () => {
    const one = await runFixture(importVCard, 'contacts/aospvc__v21_japanese_1.vcf');
    expect(one.items[0]!.title).toBe('安藤ロイド');
    expect(fieldsOf<ContactFields>(one.items[0]).phones[0]?.value).toBe('0300000000');
    const sound = fieldsOf<ContactFields>(one.items[0]).properties.find((p) => p.name === 'SOUND');
    expect(sound?.params['TYPE']).toEqual(['X-IRMC-N']);
    expect(sound?.value).toBe('ｱﾝﾄﾞｳﾛｲﾄﾞ;;;;');
    const two = await runFixture(importVCard, 'contacts/aospvc__v21_japanese_2.vcf');
    const adr = fieldsOf<ContactFields>(two.items[0]).properties.find((p) => p.name === 'ADR');
    expect(adr?.value).toBe(';東京都渋谷区桜丘町26-1セルリアンタワー6階;;;;150-8512;');
    const note = fieldsOf<ContactFields>(two.items[0]).note;
    expect(note).toBe('メモ');
    const three = await runFixture(importVCard, 'contacts/aospvc__v30_japanese.vcf');
    expect(three.items[0]!.title).toBe('伊能 圭一 伊予');
  });

  it('keeps a contact whose photo is not base64, and refuses only the photo with a reason', async () => {
    const out = await runFixture(importVCard, 'contacts/aospvc__v21_malformed_photo.vcf');
    expect(out.items).toHaveLength(1);
    expect(out.items[0]!.title).toBe('fullname');
    expect(out.items[0]!.files?.map((f) => f.role)).toEqual(['original']);
    expect(out.refusals).toEqual([{ position: 'line 5', reason: expect.stringMatching(/photo .* not valid base64.*contact itself was kept/) }]);
  });

  it('reads a 2.1 base64 photo not ended by a blank line, and ignores # comment lines but not QP continuations', async () => {
    const b64 = await runFixture(importVCard, 'contacts/aospvc__v21_base64_no_2_crlf.vcf');
    const photo = fileBytes(b64.items[0]!, 'photo.jpg');
    expect(photo.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    expect(fieldsOf<ContactFields>(b64.items[0]).properties.map((p) => p.name)).toEqual(['VERSION', 'N', 'FN', 'PHOTO']);
    const comment = await runFixture(importVCard, 'contacts/aospvc__v21_invalid_comment_line.vcf');
    expect(fieldsOf<ContactFields>(comment.items[0]).note).toBe('This is an (sharp ->#<- sharp) example. This message must NOT be ignored.');
    expect(fieldsOf<ContactFields>(comment.items[0]).uid).toBe('357');
  });

  it('splits nested cards into separate contacts and keeps the parent', async () => {
    const { items } = await runFixture(importVCard, 'contacts/aospvc__v21_nest.vcf');
    expect(items.map((i) => fieldsOf<ContactFields>(i).name.family)).toEqual(['nest1', 'nest2', 'parent']);
    expect(fieldsOf<ContactFields>(items[2]).phones[0]?.value).toBe('1');
  });

  it('keeps unknown X- properties, 2.1 bare TYPE parameters and GEO as a location', async () => {
    const { items } = await runFixture(importVCard, 'contacts/aospvc__v21_complicated.vcf');
    const f = fieldsOf<ContactFields>(items[0]);
    expect(items[0]!.title).toBe('Joe Due');
    expect(f.org).toBe('Gump Shrimp Co., Sales Dept.;Manager, Fish keeper');
    expect(f.phones[0]).toEqual({ value: '(111) 555-1212', types: ['work', 'voice'] });
    expect(f.emails.map((e) => e.value)).toEqual(['forrestgump@walladalla.com', 'cell@example.com']);
    expect(f.properties.find((p) => p.name === 'X-ATTRIBUTE')?.value).toBe('Some String');
    expect(f.properties.find((p) => p.name === 'LABEL')?.value).toBe('100 Waters Edge\r\nBaytown, LA 30314\r\nUnited  States of America');
    expect(f.note).toContain("Now's the time for all folk to come");
    expect(items[0]!.location).toEqual({ lat: 35.6563854, lon: 139.6994233 });
    const radicale = await runFixture(importVCard, 'contacts/pyvobj__radicale-1587.vcf');
    expect(radicale.items[0]!.location).toEqual({ lat: 37.386013, lon: -122.082932 });
  });

  it('reads vCard 4.0 (RFC 6350 example): URI phone numbers, quoted TYPE lists, folded ADR', async () => {
    const { items } = await runFixture(importVCard, 'contacts/ezvcard__rfc6350-example.vcf');
    const f = fieldsOf<ContactFields>(items[0]);
    expect(items[0]!.title).toBe('Simon Perreault');
    expect(f.version).toBe('4.0');
    expect(f.phones[0]).toEqual({ value: '+1-418-656-9254;ext=102', types: ['work', 'voice'] });
    expect(f.phones[1]?.types).toEqual(['work', 'cell', 'voice', 'video', 'text']);
    expect(f.properties.find((p) => p.name === 'ADR')?.value).toBe(';Suite D2-630;2875 Laurier;Quebec;QC;G1V 2M2;Canada');
    expect(f.properties.find((p) => p.name === 'KEY')?.value).toBe('http://www.viagenie.ca/simon.perreault/simon.asc');
    expect(items[0]!.location).toEqual({ lat: 46.772673, lon: -71.282945 });
  });

  it('keeps Outlook photos and keys as files, and QP NOTE with CRLF', async () => {
    const { items } = await runFixture(importVCard, 'contacts/ezvcard__outlook-2007.vcf');
    expect(items[0]!.title).toBe('Mr. Michael Angstadt Jr.');
    expect(items[0]!.files?.map((f) => `${f.role}:${f.name}:${f.mime}`)).toEqual(['original:contact.vcf:text/vcard', 'attachment:key.bin:application/octet-stream', 'attachment:photo.jpg:image/jpeg']);
    const o3 = await runFixture(importVCard, 'contacts/ezvcard__outlook-2003.vcf');
    expect(fieldsOf<ContactFields>(o3.items[0]).note).toBe('This is the note field!!\r\nSecond line\r\n\r\nThird line is empty\r\n');
    expect(fieldsOf<ContactFields>(o3.items[0]).org).toBe('Company, The, TheDepartment');
  });

  it('keeps the original bytes of every card, so a re-read gives the same contact', async () => {
    const { items } = await runFixture(importVCard, 'contacts/ezvcard__John_Doe_MAC_ADDRESS_BOOK.vcf');
    const original = fileBytes(items[0]!, 'contact.vcf');
    expect(original.length).toBe(27122); // the whole file: one card
    const again = await runBytes(importVCard, 'again.vcf', original);
    expect(again.items[0]!.sourceKey).toBe(items[0]!.sourceKey);
    expect(again.items[0]!.fields).toEqual(items[0]!.fields);
  });

  it('gives the same source key on a second import and a UID-based key when a UID exists', async () => {
    const a = await runFixture(importVCard, 'contacts/ezvcard__gmail-list.vcf');
    const b = await runFixture(importVCard, 'contacts/ezvcard__gmail-list.vcf');
    expect(a.items.map((i) => i.sourceKey)).toEqual(b.items.map((i) => i.sourceKey));
    expect(new Set(a.items.map((i) => i.sourceKey)).size).toBe(3);
    const withUid = await runFixture(importVCard, 'contacts/aospvc__v21_invalid_comment_line.vcf');
    expect(withUid.items[0]!.sourceKey).toMatch(/^vcard-uid:/);
  });
});
