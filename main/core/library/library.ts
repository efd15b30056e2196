// The library façade the handlers and the CLI call: every browse query against one open
// vault, with the library's indexes ensured first. Plain functions, no state of its own.
import type { Vault } from '../vault/vault';
import { clampLimit } from './cursor';
import { cellItems, matrix } from './datamap';
import { itemCopies, itemDetail, updateItem, type ItemEdit } from './items';
import { contacts, emailMessage, eventsInRange, newestFirst } from './lists';
import { calls, thread, threads } from './messages';
import { overview } from './overview';
import { photoDays, photoPlaces, photoTimeline, type PhotoView } from './photos';
import { ensureLibrarySchema } from './schema';
import { searchItems, type SearchInput } from './search';
import type { Category } from '../../../common/domain';
import type { Db } from '../vault/sql';

type Page = { cursor?: string | undefined; limit?: number | undefined };

export class Library {
  constructor(
    private readonly vault: Vault,
    private readonly now: () => number = Date.now,
  ) {}

  private get db(): Db {
    const db = this.vault.indexDb;
    ensureLibrarySchema(db);
    return db;
  }

  overview() {
    return overview(this.db, this.now());
  }
  timeline(o: { view: PhotoView; cursor?: string | undefined; before?: number | undefined; limit?: number | undefined }) {
    return photoTimeline(this.db, { view: o.view, cursor: o.cursor, before: o.before, limit: clampLimit(o.limit, 200) });
  }
  days(view: PhotoView, tzOffsetMinutes: number) {
    return photoDays(this.db, view, tzOffsetMinutes);
  }
  places(cellDegrees: number) {
    return photoPlaces(this.db, cellDegrees);
  }
  threads(o: Page) {
    return threads(this.db, { cursor: o.cursor, limit: clampLimit(o.limit, 100) });
  }
  thread(o: Page & { key: string }) {
    return thread(this.db, { key: o.key, cursor: o.cursor, limit: clampLimit(o.limit, 100) });
  }
  calls(o: Page) {
    return calls(this.db, { cursor: o.cursor, limit: clampLimit(o.limit, 100) });
  }
  notes(o: Page) {
    return newestFirst(this.db, 'note', { cursor: o.cursor, limit: clampLimit(o.limit, 100) });
  }
  emails(o: Page) {
    return newestFirst(this.db, 'email', { cursor: o.cursor, limit: clampLimit(o.limit, 100) });
  }
  contacts(o: Page) {
    return contacts(this.db, { cursor: o.cursor, limit: clampLimit(o.limit, 200) });
  }
  email(id: string) {
    return emailMessage(this.db, id);
  }
  events(from: number, to: number) {
    return eventsInRange(this.db, from, to);
  }
  item(id: string) {
    return itemDetail(this.vault, id);
  }
  copies(id: string) {
    return itemCopies(this.vault, id);
  }
  update(edit: ItemEdit) {
    return updateItem(this.vault, edit);
  }
  matrix() {
    return matrix(this.db);
  }
  cell(o: Page & { category: Category; locationId: number }) {
    return cellItems(this.db, { category: o.category, locationId: o.locationId, cursor: o.cursor, limit: clampLimit(o.limit, 100) });
  }
  search(input: SearchInput) {
    return searchItems(this.db, input);
  }
}
