// Notes: the list (newest first) and the chosen note with its attachments, editable — a
// correction is stored as a new version (items.update), the previous one stays in the
// vault's history.
import { NotebookText } from 'lucide-react';
import { useState } from 'react';
import { useQuery } from '../api/hooks';
import { AttachmentList } from '../components/Attachments';
import { EditVersionForm } from '../components/EditVersionForm';
import { Screen } from '../components/Screen';
import { StoredIn } from '../components/StoredIn';
import { formatDate } from '../library/format';
import { pickCurrent } from '../library/pick-current';
import { usePages } from '../library/use-pages';
import { LibraryScreen } from './LibraryScreen';

export function NotesScreen() {
  const notes = usePages('notes.list', { limit: 200 });
  const [id, setId] = useState<string | null>(null);
  if (!notes.loading && notes.items.length === 0) {
    return <LibraryScreen title="Notes" icon={NotebookText} what="notes" sources="Import a Google Keep Takeout, Evernote .enex, Bear backup or a folder of text and Markdown files." />;
  }
  const current = pickCurrent(notes.items, id, (n) => n.id);
  return (
    <Screen title="Notes">
      <div className="split">
        <nav className="list-pane" aria-label="Notes">
          <ul className="plain-list">
            {notes.items.map((n) => (
              <li key={n.id}>
                <button type="button" className={n.id === current ? 'list-row active' : 'list-row'} aria-current={n.id === current ? 'true' : undefined} onClick={() => setId(n.id)}>
                  <span className="row spread">
                    <strong>{n.title}</strong>
                    <span className="hint">{n.occurredAt ? formatDate(n.occurredAt, false) : ''}</span>
                  </span>
                  <span className="hint clamp">{n.summary}</span>
                </button>
              </li>
            ))}
          </ul>
          {!notes.done ? (
            <button type="button" className="button small" onClick={notes.more}>
              More notes
            </button>
          ) : null}
        </nav>
        {current ? <NoteDetail key={current} id={current} onSaved={notes.reload} /> : null}
      </div>
    </Screen>
  );
}

function NoteDetail({ id, onSaved }: { id: string; onSaved(): void }) {
  const { data, reload } = useQuery('items.get', { id });
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  if (!data) return <section className="detail-pane muted">Loading…</section>;
  const body = typeof data.fields.text === 'string' ? data.fields.text : data.text;
  return (
    <article className="detail-pane" aria-labelledby="note-title">
      {editing ? (
        <EditVersionForm
          id={id}
          label={`Edit ${data.title}`}
          changes={() => ({ title, text: `${title}\n${text}`, fields: { text } })}
          onSaved={() => {
            setEditing(false);
            reload();
            onSaved();
          }}
          onCancel={() => setEditing(false)}
        >
          <label className="field">
            Title
            <input value={title} onChange={(e) => setTitle(e.target.value)} required />
          </label>
          <label className="field">
            Text
            <textarea rows={12} value={text} onChange={(e) => setText(e.target.value)} />
          </label>
        </EditVersionForm>
      ) : (
        <>
          <header className="detail-head row spread">
            <div>
              <h2 id="note-title">{data.title}</h2>
              <span className="hint">
                {formatDate(data.occurredAt)} · version {data.version}
              </span>
            </div>
            <button
              type="button"
              className="button small"
              onClick={() => {
                setTitle(data.title);
                setText(body);
                setEditing(true);
              }}
            >
              Edit
            </button>
          </header>
          <p className="note-body">{body}</p>
          <AttachmentList files={data.files.filter((f) => f.role === 'attachment')} />
        </>
      )}
      <StoredIn id={id} />
    </article>
  );
}
