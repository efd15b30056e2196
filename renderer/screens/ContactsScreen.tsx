// Contacts: A–Z list and a card with every field (phones, emails, addresses, organisation,
// birthday, note) and the photo; "Edit" corrects name, phones and emails as a new version.
import { Contact, UserRound } from 'lucide-react';
import { useState } from 'react';
import type { ItemDetail } from '../../common/contract/library';
import { api } from '../api/client';
import { useQuery } from '../api/hooks';
import { EditVersionForm } from '../components/EditVersionForm';
import { Screen } from '../components/Screen';
import { StoredIn } from '../components/StoredIn';
import { pickCurrent } from '../library/pick-current';
import { usePages } from '../library/use-pages';
import { LibraryScreen } from './LibraryScreen';

interface Value {
  value: string;
  types: string[];
}

function values(v: unknown): Value[] {
  return Array.isArray(v) ? v.filter((x): x is Value => !!x && typeof (x as Value).value === 'string').map((x) => ({ value: x.value, types: Array.isArray(x.types) ? x.types : [] })) : [];
}

export function ContactsScreen() {
  const list = usePages('contacts.list', { limit: 500 });
  const [id, setId] = useState<string | null>(null);
  if (!list.loading && list.items.length === 0) {
    return <LibraryScreen title="Contacts" icon={Contact} what="contacts" sources="Import a vCard (.vcf) file, a Google Takeout archive or a phone backup." />;
  }
  const current = pickCurrent(list.items, id, (c) => c.id);
  return (
    <Screen title="Contacts" subtitle={`${list.items.length}${list.done ? '' : '+'} contacts`}>
      <div className="split">
        <nav className="list-pane" aria-label="Contacts">
          <ul className="plain-list">
            {list.items.map((c) => (
              <li key={c.id}>
                <button type="button" className={c.id === current ? 'list-row active' : 'list-row'} aria-current={c.id === current ? 'true' : undefined} onClick={() => setId(c.id)}>
                  <strong>{c.title}</strong>
                </button>
              </li>
            ))}
          </ul>
          {!list.done ? (
            <button type="button" className="button small" onClick={list.more}>
              More contacts
            </button>
          ) : null}
        </nav>
        {current ? <ContactCard key={current} id={current} onSaved={list.reload} /> : null}
      </div>
    </Screen>
  );
}

function ContactCard({ id, onSaved }: { id: string; onSaved(): void }) {
  const { data, reload } = useQuery('items.get', { id });
  const [editing, setEditing] = useState(false);
  if (!data) return <section className="detail-pane muted">Loading…</section>;
  const f = data.fields;
  const phones = values(f.phones);
  const emails = values(f.emails);
  const addresses = Array.isArray(f.addresses) ? (f.addresses as Array<{ components?: string[]; types?: string[] }>) : [];
  const photo = data.files.find((x) => x.role === 'attachment' && x.mime.startsWith('image/') && x.mediaId);
  if (editing) return <ContactEdit data={data} onDone={() => { setEditing(false); reload(); onSaved(); }} onCancel={() => setEditing(false)} />;
  return (
    <article className="detail-pane contact-card" aria-labelledby="contact-name">
      <header className="detail-head row">
        {photo?.mediaId ? <img className="avatar" src={api.mediaUrl(photo.mediaId)} alt="" /> : <span className="avatar"><UserRound size={32} aria-hidden="true" /></span>}
        <div className="grow">
          <h2 id="contact-name">{data.title}</h2>
          {typeof f.org === 'string' ? <span className="muted">{f.org}</span> : null}
        </div>
        <button type="button" className="button small" onClick={() => setEditing(true)}>
          Edit
        </button>
      </header>
      <dl className="facts">
        {phones.map((p, i) => (
          <Fact key={`p${i}`} label={p.types[0] ? `Phone (${p.types[0]})` : 'Phone'} value={<a href={`tel:${p.value}`}>{p.value}</a>} />
        ))}
        {emails.map((e, i) => (
          <Fact key={`e${i}`} label={e.types[0] ? `Email (${e.types[0]})` : 'Email'} value={e.value} />
        ))}
        {addresses.map((a, i) => (
          <Fact key={`a${i}`} label={a.types?.[0] ? `Address (${a.types[0]})` : 'Address'} value={(a.components ?? []).filter(Boolean).join(', ')} />
        ))}
        {typeof f.birthday === 'string' ? <Fact label="Birthday" value={f.birthday} /> : null}
        {typeof f.note === 'string' ? <Fact label="Note" value={f.note} /> : null}
        <Fact label="Version" value={String(data.version)} />
      </dl>
      <StoredIn id={id} />
    </article>
  );
}

function Fact({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

function ContactEdit({ data, onDone, onCancel }: { data: ItemDetail; onDone(): void; onCancel(): void }) {
  const [name, setName] = useState(data.title);
  const [phones, setPhones] = useState(values(data.fields.phones).map((p) => p.value).join('\n'));
  const [emails, setEmails] = useState(values(data.fields.emails).map((p) => p.value).join('\n'));
  const lines = (s: string) => s.split('\n').map((x) => x.trim()).filter(Boolean);
  // Types (cell, home, …) stay with the line they were on.
  const typed = (text: string, old: Value[]) => lines(text).map((value, i) => ({ value, types: old[i]?.types ?? [] }));
  return (
    <EditVersionForm
      id={data.id}
      label={`Edit ${data.title}`}
      className="detail-pane"
      changes={() => ({
        title: name,
        text: [name, ...lines(phones), ...lines(emails)].join('\n'),
        fields: { fn: name, phones: typed(phones, values(data.fields.phones)), emails: typed(emails, values(data.fields.emails)) },
      })}
      onSaved={onDone}
      onCancel={onCancel}
    >
      <label className="field">
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <label className="field">
        Phone numbers (one per line)
        <textarea rows={3} value={phones} onChange={(e) => setPhones(e.target.value)} />
      </label>
      <label className="field">
        Email addresses (one per line)
        <textarea rows={3} value={emails} onChange={(e) => setEmails(e.target.value)} />
      </label>
    </EditVersionForm>
  );
}
