// The shapes every importer shares: what a parser yields (ParsedItem, exactly the vault's
// NewItem), what it is given (an ImportInput it can open as a stream, and an ImportContext
// to report progress, yield to pause/cancel and refuse parts it cannot read), and the
// Importer signature itself. Parsers stream: a 2 GB SMS XML never sits in memory.
import type { Readable } from 'node:stream';
import type { Category } from '../../../common/domain';
import type { NewFile, NewItem } from '../vault/types';

/**
 * One item as a source describes it: exactly the vault's NewItem (category, sourceKey —
 * a stable natural id, so the same thing imported twice gets the same key — occurredAt,
 * title, text for search, fields with everything the source said, personal, files,
 * location). Re-exported so parsers never drift from what putItems accepts.
 */
export type ParsedItem = NewItem;
/** One file kept with an item: the original bytes, an attachment or a thumbnail. */
export type ParsedFile = NewFile;
export type { NewFile, NewItem };

/** A file (or an entry inside a container) handed to an importer. */
export interface ImportInput {
  /** Display path (for an entry inside a container: "archive.zip!/Contacts/all.vcf"). */
  path: string;
  /** Opens the bytes from the start; may be called more than once. */
  open(): Readable;
  size: number;
  /**
   * Opens a file beside this one (Keep attachments referenced by a JSON note), or null if
   * it is missing. The name is a plain file name, never a path; containers may omit this.
   */
  sibling?(name: string): ImportInput | null;
}

export interface ImportProgress {
  /** Items parsed so far in this input. */
  items?: number;
  /** Bytes of this input consumed so far. */
  bytes?: number;
  phase?: string;
}

/** Something inside an input that could not be read; the rest of the input continues. */
export interface Refusal {
  /** Where: "line 12", "byte 4096", "message 3, part 2", "entry Notes/x.txt". */
  position: string;
  /** Plain words for a person. */
  reason: string;
}

export interface ImportContext {
  report(progress: ImportProgress): void;
  /** Safe point: waits while paused, throws KeepsakeError('CANCELLED') once cancelled. */
  checkpoint(): Promise<void>;
  /** Records that one part (an attachment, one record) was refused; parsing goes on. */
  refuse(position: string, reason: string): void;
  /**
   * A count the file itself states did not match what was found (SMS XML `count`).
   * Not fatal; goes into the report.
   */
  note?(message: string): void;
  /** The data folder: containers stage entries under <dataFolder>/staging (part 2). */
  dataFolder?: string;
  /** The password for encrypted Android backups, when the person gave one. */
  password?: string;
  /** Runs cleanup once every item yielded so far has been stored (staging removal). */
  defer?(cleanup: () => void): void;
}

/**
 * An importer: streams items out of one input. A whole-file refusal (not this format,
 * broken beyond reading) is a thrown KeepsakeError('UNSUPPORTED' | 'CORRUPT', reason);
 * any other thrown error is a bug.
 */
export type Importer = (input: ImportInput, ctx: ImportContext) => AsyncIterable<ParsedItem>;

/** A format the registry knows: how to recognise it and which importer reads it. */
export interface FormatSpec {
  id: string;
  /** Shown in the UI ("vCard contacts (2.1, 3.0, 4.0)"). */
  label: string;
  /** Lower-case extensions without the dot, used only when sniffing is inconclusive. */
  extensions: string[];
  /** Categories this format yields. */
  categories: Category[];
  /**
   * Content sniff over the first bytes (up to 64 KB) and the file name: 'yes' when the
   * content proves the format, 'maybe' when only the name suggests it, 'no' otherwise.
   */
  sniff(head: Buffer, name: string): 'yes' | 'maybe' | 'no';
  importer: Importer;
}

/** A context that ignores progress and collects refusals: for tests and nested parsers. */
export function collectingContext(): ImportContext & { refusals: Refusal[]; notes: string[] } {
  const refusals: Refusal[] = [];
  const notes: string[] = [];
  return {
    refusals,
    notes,
    report() {},
    async checkpoint() {},
    refuse(position, reason) {
      refusals.push({ position, reason });
    },
    note(message) {
      notes.push(message);
    },
  };
}

/**
 * A format that is a whole folder (an iPhone backup folder with Manifest.db): the import
 * job asks these before walking into a directory, and a claimed folder is one input.
 */
export interface FolderFormatSpec {
  id: string;
  label: string;
  categories: Category[];
  claims(dir: string): Promise<boolean>;
  importer(dir: string, ctx: ImportContext): AsyncIterable<ParsedItem>;
}
