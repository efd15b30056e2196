// "Watch folders" card in the Import dialog: folders (where a phone drops exports, a
// synced folder) Keepsake imports from continuously while the vault is unlocked, each with
// its status. Add with the native folder picker in the desktop app, or by typing the path
// in the browser (the web host runs on this computer, so the path is one of its folders).
import { FolderSearch, Trash2 } from 'lucide-react';
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import { useQuery } from '../api/hooks';

const STATUS_REFRESH_MS = 5_000;

function when(at: number | null): string {
  return at ? new Date(at).toLocaleString() : 'not yet';
}

export function WatchFolders({ native }: { native: boolean }) {
  const list = useQuery('watch.list', {});
  const [path, setPath] = useState('');
  const [error, setError] = useState('');
  const { reload } = list;

  // The status (last look, files imported) changes on its own: refresh while shown.
  useEffect(() => {
    const t = setInterval(reload, STATUS_REFRESH_MS);
    return () => clearInterval(t);
  }, [reload]);

  async function add(folder: string): Promise<void> {
    setError('');
    try {
      await api.call('watch.add', { path: folder });
      setPath('');
      reload();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }

  async function pick(): Promise<void> {
    setError('');
    try {
      const { paths } = await api.call('dialogs.openPaths', { title: 'Choose a folder to watch', folders: true, multiple: false });
      if (paths[0]) await add(paths[0]);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }

  async function remove(id: string): Promise<void> {
    setError('');
    try {
      await api.call('watch.remove', { id });
      reload();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }

  function submit(e: FormEvent): void {
    e.preventDefault();
    if (path.trim()) void add(path.trim());
  }

  const watches = list.data ?? [];
  return (
    <details className="watch-folders" data-testid="watch-folders">
      <summary>Watch folders{watches.length ? ` (${watches.length})` : ''}</summary>
      <p className="muted">Files that appear in a watched folder are imported once they have stopped changing, whenever Keepsake runs with the vault unlocked.</p>
      {watches.length ? (
        <ul className="watch-list">
          {watches.map((w) => (
            <li key={w.id} className="row spread">
              <span className="stack">
                <code title={w.path}>{w.path}</code>
                <span className="muted">
                  {w.state === 'watching' ? 'Watching' : 'Not watching now'} · {w.filesImported} file{w.filesImported === 1 ? '' : 's'} imported · last looked {when(w.lastScanAt)}
                </span>
                {w.lastError ? <span className="error-text">{w.lastError}</span> : null}
              </span>
              <button type="button" className="button ghost small" aria-label={`Stop watching ${w.path}`} onClick={() => void remove(w.id)}>
                <Trash2 size={14} aria-hidden="true" />
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No folder is watched.</p>
      )}
      {native ? (
        <button type="button" className="button" onClick={() => void pick()}>
          <FolderSearch size={15} aria-hidden="true" /> Watch a folder…
        </button>
      ) : (
        <form className="row" onSubmit={submit}>
          <label className="field grow">
            <span>Folder on this computer</span>
            <input type="text" value={path} placeholder="/home/you/Phone exports" onChange={(e) => setPath(e.target.value)} />
          </label>
          <button type="submit" className="button" disabled={!path.trim()}>
            Watch
          </button>
        </form>
      )}
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
    </details>
  );
}
