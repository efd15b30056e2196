// The frame every section uses: a header with the title and actions, then the content.
import type { ReactNode } from 'react';

interface Props {
  title: string;
  subtitle?: string;
  actions?: ReactNode;
  children: ReactNode;
}

export function Screen({ title, subtitle, actions, children }: Props) {
  return (
    <section className="screen" aria-labelledby="screen-title">
      <header className="screen-head">
        <div>
          <h1 id="screen-title" tabIndex={-1}>
            {title}
          </h1>
          {subtitle ? <p className="muted">{subtitle}</p> : null}
        </div>
        {actions ? <div className="screen-actions">{actions}</div> : null}
      </header>
      <div className="screen-body">{children}</div>
    </section>
  );
}
