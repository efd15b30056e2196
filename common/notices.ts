// The privacy notices a consent is given under. A consent records the notice's version and
// hash; when a later notice *reduces* the user's rights, consents given under an earlier
// version stop counting until the user agrees again (POLICY: notice changes).
export type ConsentSubject = 'location' | 'child-data';

export interface Notice {
  subject: ConsentSubject;
  version: number;
  /** The words the person agrees to. */
  text: string;
  /** True when this version takes something away compared with the one before. */
  reducesRights: boolean;
}

export const notices: Notice[] = [
  {
    subject: 'location',
    version: 1,
    reducesRights: false,
    text:
      'Keepsake may share the location information in your photos, videos and location history with the device named below, ' +
      'only for this recovery, at the precision you chose, until the time shown. You can withdraw at any moment; ' +
      'location data collected for the recovery is erased when it ends.',
  },
  {
    subject: 'child-data',
    version: 1,
    reducesRights: false,
    text:
      "As this child's parent or guardian, you allow Keepsake to back up this device's messages, photos and other data into " +
      "your encrypted vault on this computer. Nothing leaves this computer except to storage you configure. You can erase all " +
      "of this child's data in one step at any time.",
  },
];

export function currentNotice(subject: ConsentSubject): Notice {
  const list = notices.filter((n) => n.subject === subject).sort((a, b) => b.version - a.version);
  const n = list[0];
  if (!n) throw new Error(`No notice for ${subject}`);
  return n;
}

/** Whether a consent given under `version` still counts under the current notice. */
export function consentSurvivesNotice(subject: ConsentSubject, version: number): boolean {
  return !notices.some((n) => n.subject === subject && n.version > version && n.reducesRights);
}
