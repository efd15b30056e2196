// Domain vocabulary shared by every layer: categories, classification, locations.
// Pure TypeScript: no Node, no DOM.
import * as z from 'zod';
import { CATEGORIES } from './categories';

/** What kind of personal thing an item is (the names: common/categories.ts). */
export const Category = z.enum(CATEGORIES);
export type Category = z.infer<typeof Category>;

export const categoryLabels: Record<Category, string> = {
  message: 'Messages',
  call: 'Calls',
  contact: 'Contacts',
  photo: 'Photos',
  video: 'Videos',
  screenshot: 'Screenshots',
  note: 'Notes',
  email: 'Email',
  event: 'Calendar',
  location: 'Location',
  file: 'Other files',
};

/**
 * Personal vs non-personal (POLICY.txt): non-personal is data irrelevant to a particular
 * person (device model, app version, statistics). Combination rule: a non-personal record
 * linked to a personal one is personal for as long as the link exists.
 */
export const Classification = z.enum(['personal', 'non-personal']);
export type Classification = z.infer<typeof Classification>;

/** Where a copy of an item can live (ARCHITECTURE §2). */
export const LocationKind = z.enum(['vault', 'phone', 'cloud', 'snapshot', 'export']);
export type LocationKind = z.infer<typeof LocationKind>;

export const VaultState = z.enum(['missing', 'locked', 'unlocked']);
export type VaultState = z.infer<typeof VaultState>;

export const HostKind = z.enum(['electron', 'web', 'cli']);
export type HostKind = z.infer<typeof HostKind>;
