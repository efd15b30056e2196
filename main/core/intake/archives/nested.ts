// An archive inside an archive (a zip in a Takeout, an .ab inside a zip): staged to disk and
// opened one level deeper, sharing the outer archive's byte budget so nesting cannot
// multiply the limits (42.zip-style recursion stops at maxNesting).
import type { ImportContext, ParsedItem } from '../types';
import { androidBackupBody, tgzBody, zipBody } from './containers';
import type { ContainerEnv, NestedKind } from './dispatch';
import { fileInput, rememberLocalPath } from './inputs';
import type { EntryTree, TreeEntry } from './tree';

export async function* openNested(kind: Exclude<NestedKind, null>, tree: EntryTree, entry: TreeEntry, ctx: ImportContext, env: ContainerEnv): AsyncGenerator<ParsedItem> {
  const inner: ContainerEnv = { ...env, depth: env.depth + 1 };
  const label = `${tree.label}!/${entry.name}`;
  const staged = entry.localPath ?? (await env.staging.write(entry.name, entry.open(), env.budget, env.limits.maxEntryBytes)).path;
  const input = rememberLocalPath(fileInput(staged, label, () => null), staged);
  if (kind === 'zip') yield* zipBody(input, ctx, inner);
  else if (kind === 'tgz') yield* tgzBody(input, ctx, inner);
  else yield* androidBackupBody(input, ctx, inner);
}
