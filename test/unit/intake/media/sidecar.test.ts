// Google Photos sidecar names and contents (see [Note: Sidecar names]).
import { describe, expect, it } from 'vitest';
import { parseSidecar, sidecarCandidates } from '../../../../main/core/intake/media/sidecar';

describe('sidecar names', () => {
  it('plain, supplemental-metadata and cut names, most specific first', () => {
    const c = sidecarCandidates('IMG_1234.jpg');
    expect(c[0]).toBe('IMG_1234.jpg.supplemental-metadata.json');
    expect(c).toContain('IMG_1234.jpg.json');
    expect(c).toContain('IMG_1234.jpg.supplemental-metad.json');
    expect(c).toContain('IMG_1234.jp.json');
    expect(c.indexOf('IMG_1234.jpg.supplemental-metadata.json')).toBeLessThan(c.indexOf('IMG_1234.jpg.json'));
    expect(c.every((n) => n.startsWith('IMG_1234.'))).toBe(true);
  });

  it('"(1)" duplicates put the counter after the extension', () => {
    const c = sidecarCandidates('IMG_1234(1).jpg');
    expect(c).toContain('IMG_1234.jpg(1).json');
    expect(c).toContain('IMG_1234.jpg.supplemental-metadata(1).json');
    expect(c).not.toContain('IMG_1234.jpg.json');
  });

  it('an edited copy falls back to the original\'s sidecar', () => {
    expect(sidecarCandidates('IMG_1234-edited.jpg')).toContain('IMG_1234.jpg.json');
  });
});

describe('sidecar contents', () => {
  it('times in seconds, places, people; 0/0 means no place', () => {
    const s = parseSidecar(Buffer.from(JSON.stringify({ title: 'a.jpg', photoTakenTime: { timestamp: '1561939200' }, creationTime: { timestamp: '1561939300' }, geoData: { latitude: 0, longitude: 0 }, geoDataExif: { latitude: 48.85837, longitude: 2.294481 }, people: [{ name: 'Ada' }, { nope: 1 }] })));
    expect(s).toEqual({ title: 'a.jpg', takenAt: 1561939200000, createdAt: 1561939300000, lat: 48.85837, lon: 2.294481, people: ['Ada'] });
  });

  it('not a sidecar: broken JSON, arrays, album metadata', () => {
    expect(parseSidecar(Buffer.from('{nope'))).toBeNull();
    expect(parseSidecar(Buffer.from('[1,2]'))).toBeNull();
    expect(parseSidecar(Buffer.from('{"title":"Album","description":""}'))).toBeNull();
  });
});
