// Writes calendar entries back as one iCalendar file (for restore bundles and exports)
// from the jCal the parser kept in fields.jcal, so every property, parameter, alarm and
// X- property goes back out as it came in; ical.js does the RFC 5545 serialisation
// (escaping, folding). Time zones are written as the entries reference them (TZID).
import ICAL from 'ical.js';
import { KeepsakeError } from '../../../../common/errors';

export function writeICalendar(entries: Array<{ fields: Record<string, unknown> }>, prodid = '-//Keepsake//Keepsake export//EN'): string {
  const cal = new ICAL.Component('vcalendar');
  cal.addPropertyWithValue('version', '2.0');
  cal.addPropertyWithValue('prodid', prodid);
  for (const e of entries) {
    const jcal = e.fields.jcal;
    if (!Array.isArray(jcal)) throw new KeepsakeError('BAD_INPUT', 'A calendar entry has no stored iCalendar data to write.');
    cal.addSubcomponent(new ICAL.Component(jcal as never));
  }
  return cal.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
}
