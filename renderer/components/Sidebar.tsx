// The left navigation: every section, grouped, keyboard reachable, current one marked.
import { Lock } from 'lucide-react';
import { sections, type SectionId } from '../sections';

interface Props {
  current: SectionId;
  onGo(id: SectionId): void;
  onLock(): void;
}

const GROUPS: Array<{ id: 'library' | 'keep' | 'app'; label: string }> = [
  { id: 'library', label: 'Library' },
  { id: 'keep', label: 'Where it is kept' },
  { id: 'app', label: 'Keepsake' },
];

export function Sidebar({ current, onGo, onLock }: Props) {
  return (
    <nav className="sidebar" aria-label="Sections">
      <div className="brand">
        <img src="./icon.svg" alt="" width={28} height={28} />
        <span>Keepsake</span>
      </div>
      {GROUPS.map((g) => (
        <div key={g.id} className="nav-group">
          <div className="nav-group-label" id={`nav-${g.id}`}>
            {g.label}
          </div>
          <ul aria-labelledby={`nav-${g.id}`}>
            {sections
              .filter((s) => s.group === g.id)
              .map((s) => (
                <li key={s.id}>
                  <a
                    href={`#/${s.id}`}
                    className={s.id === current ? 'nav-item active' : 'nav-item'}
                    aria-current={s.id === current ? 'page' : undefined}
                    onClick={(e) => {
                      e.preventDefault();
                      onGo(s.id);
                    }}
                  >
                    <s.icon size={16} aria-hidden="true" />
                    <span>{s.label}</span>
                  </a>
                </li>
              ))}
          </ul>
        </div>
      ))}
      <div className="sidebar-foot">
        <button type="button" className="button ghost" onClick={onLock}>
          <Lock size={15} aria-hidden="true" /> Lock
        </button>
      </div>
    </nav>
  );
}
