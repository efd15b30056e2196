// Email: the list (newest first) and the chosen message. HTML is sanitised with DOMPurify
// and shown only inside a sandboxed iframe (sandbox="" — no scripts, no same origin) whose
// srcdoc carries EMAIL_FRAME_CSP as a meta tag, so remote images and trackers never load.
// Without HTML the plain text is shown. Attachments download from the vault's media URLs.
import DOMPurify from 'dompurify';
import { Mail } from 'lucide-react';
import { useMemo, useState } from 'react';
import { EMAIL_FRAME_CSP } from '../../common/csp';
import { useQuery } from '../api/hooks';
import { AttachmentList } from '../components/Attachments';
import { Screen } from '../components/Screen';
import { StoredIn } from '../components/StoredIn';
import { formatDate } from '../library/format';
import { pickCurrent } from '../library/pick-current';
import { usePages } from '../library/use-pages';
import { LibraryScreen } from './LibraryScreen';

export function emailFrameDoc(html: string): string {
  const clean = DOMPurify.sanitize(html, { WHOLE_DOCUMENT: false, FORBID_TAGS: ['style', 'form', 'input', 'button', 'iframe', 'object', 'embed', 'link', 'meta', 'base'] });
  const csp = EMAIL_FRAME_CSP.replace(/"/g, '&quot;');
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><style>body{font:14px/1.5 system-ui,sans-serif;margin:12px;color:#1f2320;background:#fff;word-wrap:break-word}img{max-width:100%}</style></head><body>${clean}</body></html>`;
}

export function EmailScreen() {
  const list = usePages('email.list', { limit: 200 });
  const [id, setId] = useState<string | null>(null);
  if (!list.loading && list.items.length === 0) {
    return <LibraryScreen title="Email" icon={Mail} what="email" sources="Import an mbox file (Google Takeout Mail, Thunderbird) or .eml messages." />;
  }
  const current = pickCurrent(list.items, id, (m) => m.id);
  return (
    <Screen title="Email">
      <div className="split">
        <nav className="list-pane" aria-label="Email messages">
          <ul className="plain-list">
            {list.items.map((m) => (
              <li key={m.id}>
                <button type="button" className={m.id === current ? 'list-row active' : 'list-row'} aria-current={m.id === current ? 'true' : undefined} onClick={() => setId(m.id)}>
                  <span className="row spread">
                    <strong className="clamp">{m.title}</strong>
                    <span className="hint">{m.occurredAt ? formatDate(m.occurredAt, false) : ''}</span>
                  </span>
                  <span className="hint clamp">{m.summary}</span>
                </button>
              </li>
            ))}
          </ul>
          {!list.done ? (
            <button type="button" className="button small" onClick={list.more}>
              More email
            </button>
          ) : null}
        </nav>
        {current ? <Message key={current} id={current} /> : null}
      </div>
    </Screen>
  );
}

function Message({ id }: { id: string }) {
  const { data, error } = useQuery('email.message', { id });
  const doc = useMemo(() => (data?.html ? emailFrameDoc(data.html) : null), [data]);
  if (error) return <p className="notice error">{error.message}</p>;
  if (!data) return <section className="detail-pane muted">Loading…</section>;
  return (
    <article className="detail-pane" aria-labelledby="mail-subject">
      <header className="detail-head">
        <h2 id="mail-subject">{data.subject}</h2>
        <dl className="facts compact">
          <dt>From</dt>
          <dd>{data.from}</dd>
          <dt>To</dt>
          <dd>{data.to}</dd>
          {data.cc ? (
            <>
              <dt>Cc</dt>
              <dd>{data.cc}</dd>
            </>
          ) : null}
          <dt>Date</dt>
          <dd>{formatDate(data.occurredAt)}</dd>
        </dl>
      </header>
      <AttachmentList files={data.attachments} />
      {doc ? <iframe className="mail-frame" title={`Message: ${data.subject}`} sandbox="" srcDoc={doc} /> : <pre className="item-text">{data.text}</pre>}
      <StoredIn id={id} />
    </article>
  );
}
