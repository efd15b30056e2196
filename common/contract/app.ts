// app.*: facts about the running companion.
import * as z from 'zod';
import { HostKind, VaultState } from '../domain';
import { method } from './define';

export const About = z.object({
  name: z.literal('Keepsake'),
  version: z.string(),
  /** The data folder (KEEPSAKE_HOME or the platform's app-data folder). */
  dataFolder: z.string(),
  vaultState: VaultState,
  hostKind: HostKind,
  platform: z.string(),
});
export type About = z.infer<typeof About>;

export const appMethods = {
  /** Version, data folder, vault state and which host is serving the UI. */
  'app.about': method({
    doc: 'Version, data folder, vault state and which host is serving the UI.',
    input: z.object({}).strict(),
    output: About,
    needsVault: false,
  }),
};
