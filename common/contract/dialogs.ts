// dialogs.*: native file dialogs in the desktop app. The web host has none (the browser
// uploads files instead), so `available` tells the UI which way to go.
import * as z from 'zod';
import { method } from './define';

export const dialogMethods = {
  'dialogs.available': method({
    doc: 'Whether this host can show native file dialogs.',
    input: z.object({}).strict(),
    output: z.object({ available: z.boolean() }),
    needsVault: false,
  }),
  'dialogs.openPaths': method({
    doc: 'Ask the person to choose files or a folder; returns the chosen paths ([] when cancelled).',
    input: z.object({ title: z.string().max(200), folders: z.boolean(), multiple: z.boolean() }).strict(),
    output: z.object({ paths: z.array(z.string()) }),
  }),
};
