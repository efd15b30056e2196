// How containers find the record parser for an entry: the format registry's record-only
// detection (containers handle media and nested archives themselves). Loaded lazily by
// containers.ts, because the registry in turn lists the container formats.
import { detectRecordFormat } from '../registry';
import type { FormatSpec } from '../types';

export function lookupRecordFormat(head: Buffer, name: string): FormatSpec | null {
  return detectRecordFormat(head, name);
}
