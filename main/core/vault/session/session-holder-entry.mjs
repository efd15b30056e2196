// Process entry of the CLI session holder (holder.ts) when Keepsake runs from its
// TypeScript sources: registers tsx, then loads the holder. The bundled CLI builds
// holder.ts itself under this name (scripts/build-cli.mjs), so client.ts starts
// `./session-holder-entry.mjs` beside its own module either way.
import { register } from 'tsx/esm/api';

register();
await import('./holder.ts');
