// The registry entry for photos, videos and screenshots.
import type { FormatSpec } from '../types';
import { importMedia } from './media-importer';
import { sniffMedia } from './sniff';

const EXTENSIONS = ['jpg', 'jpeg', 'png', 'heic', 'heif', 'webp', 'gif', 'mp4', 'mov', 'm4v', '3gp'];

export const mediaFormat: FormatSpec = {
  id: 'media',
  label: 'Photos, videos and screenshots (JPEG, HEIC, PNG, WebP, GIF, MP4, MOV)',
  extensions: EXTENSIONS,
  categories: ['photo', 'video', 'screenshot'],
  sniff: (head, name) => (sniffMedia(head) ? 'yes' : EXTENSIONS.includes(name.toLowerCase().split('.').pop() ?? '') ? 'maybe' : 'no'),
  importer: importMedia,
};
