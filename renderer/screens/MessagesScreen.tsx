// Messages: conversations on the left, the chosen one as bubbles with times (oldest at the
// top, older pages on demand), every MMS part inline (pictures, players) and as a
// download from its own media id; the call log as its own tab.
import { MessageSquare, PhoneIncoming, PhoneMissed, PhoneOutgoing } from 'lucide-react';
import { useState } from 'react';
import { api } from '../api/client';
import { AttachmentLink, AttachmentPreview } from '../components/Attachments';
import { Screen } from '../components/Screen';
import { StoredIn } from '../components/StoredIn';
import { formatDate, formatDuration, formatNumber, formatTime } from '../library/format';
import { pickCurrent } from '../library/pick-current';
import { usePages } from '../library/use-pages';
import { LibraryScreen } from './LibraryScreen';

export function MessagesScreen() {
  const [tab, setTab] = useState<'threads' | 'calls'>('threads');
  const threads = usePages('messages.threads', { limit: 100 });
  const calls = usePages('calls.list', { limit: 100 });
  const [key, setKey] = useState<string | null>(null);
  if (!threads.loading && !calls.loading && threads.items.length === 0 && calls.items.length === 0) {
    return <LibraryScreen title="Messages" icon={MessageSquare} what="messages" sources="Import an SMS Backup & Restore file, an Android or iPhone backup to read your conversations and call log." />;
  }
  const current = pickCurrent(threads.items, key, (t) => t.key);
  return (
    <Screen title="Messages">
      <div className="tabs" role="tablist" aria-label="Messages views">
        <button type="button" role="tab" aria-selected={tab === 'threads'} className={tab === 'threads' ? 'tab active' : 'tab'} onClick={() => setTab('threads')}>
          Conversations
        </button>
        <button type="button" role="tab" aria-selected={tab === 'calls'} className={tab === 'calls' ? 'tab active' : 'tab'} onClick={() => setTab('calls')}>
          Call log
        </button>
      </div>
      {tab === 'threads' ? (
        <div className="split">
          <nav className="list-pane" aria-label="Conversations">
            <ul className="plain-list">
              {threads.items.map((t) => (
                <li key={t.key}>
                  <button type="button" className={t.key === current ? 'list-row active' : 'list-row'} aria-current={t.key === current ? 'true' : undefined} onClick={() => setKey(t.key)}>
                    <span className="row spread">
                      <strong>{t.title}</strong>
                      <span className="hint">{t.lastAt ? formatDate(t.lastAt, false) : ''}</span>
                    </span>
                    <span className="hint clamp">{t.lastText}</span>
                  </button>
                </li>
              ))}
            </ul>
            {!threads.done && threads.items.length ? (
              <button type="button" className="button small" onClick={threads.more}>
                More conversations
              </button>
            ) : null}
          </nav>
          {current !== null ? <Conversation key={current} address={current} title={threads.items.find((t) => t.key === current)?.title ?? current} /> : null}
        </div>
      ) : (
        <CallLog calls={calls} />
      )}
    </Screen>
  );
}

function Conversation({ address, title }: { address: string; title: string }) {
  const page = usePages('messages.thread', { key: address, limit: 100 });
  const [selected, setSelected] = useState<string | null>(null);
  const bubbles = [...page.items].reverse();
  return (
    <section className="detail-pane conversation" aria-label={`Conversation with ${title}`}>
      <header className="detail-head">
        <h2>{title}</h2>
        <span className="hint">{address}</span>
      </header>
      {!page.done && page.items.length ? (
        <button type="button" className="button small" onClick={page.more}>
          Earlier messages
        </button>
      ) : null}
      <ol className="bubbles">
        {bubbles.map((m, i) => {
          const dayOf = (t: number | null) => (t ? new Date(t).toDateString() : '');
          const sep = i === 0 || dayOf(m.occurredAt) !== dayOf(bubbles[i - 1]!.occurredAt);
          return (
            <li key={m.id} className={m.direction === 'sent' || m.direction === 'outbox' ? 'bubble-row mine' : 'bubble-row'}>
              {sep ? <div className="day-sep">{formatDate(m.occurredAt, false)}</div> : null}
              <div className="bubble">
                {m.subject ? <strong>{m.subject}</strong> : null}
                {m.attachments.map((a) => (
                  // Every part streams by its own media id; a picture downloads when clicked.
                  <span key={`${a.ordinal}${a.name}`} className="mms-part">
                    {a.mime.startsWith('image/') && a.mediaId ? (
                      <a href={api.mediaUrl(a.mediaId)} download={a.name} aria-label={`Download ${a.name}`}>
                        <AttachmentPreview file={a} className="mms-image" />
                      </a>
                    ) : (
                      <>
                        <AttachmentPreview file={a} />
                        <AttachmentLink file={a} />
                      </>
                    )}
                  </span>
                ))}
                {m.text ? <span className="bubble-text">{m.text}</span> : null}
                <button type="button" className="bubble-time" onClick={() => setSelected(selected === m.id ? null : m.id)} aria-expanded={selected === m.id} aria-label={`${formatTime(m.occurredAt)}, where this message is stored`}>
                  {formatTime(m.occurredAt)}
                </button>
              </div>
              {selected === m.id ? <StoredIn id={m.id} /> : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function CallLog({ calls }: { calls: ReturnType<typeof usePages<'calls.list'>> }) {
  const icon = (kind: string) => (kind === 'missed' || kind === 'rejected' ? <PhoneMissed size={16} aria-hidden="true" className="warn-icon" /> : kind === 'outgoing' ? <PhoneOutgoing size={16} aria-hidden="true" /> : <PhoneIncoming size={16} aria-hidden="true" />);
  return (
    <>
      <table className="plain-table">
        <thead>
          <tr>
            <th scope="col">Who</th>
            <th scope="col">Kind</th>
            <th scope="col">When</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {calls.items.map((c) => (
            <tr key={c.id}>
              <td>
                <strong>{c.title}</strong> {c.number && c.number !== c.title ? <span className="muted">{c.number}</span> : null}
              </td>
              <td className="row">
                {icon(c.kind)} {c.kind}
              </td>
              <td>{formatDate(c.occurredAt)}</td>
              <td>{c.durationSeconds ? formatDuration(c.durationSeconds) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">{formatNumber(calls.items.length)} calls shown</p>
      {!calls.done ? (
        <button type="button" className="button small" onClick={calls.more}>
          More calls
        </button>
      ) : null}
    </>
  );
}
