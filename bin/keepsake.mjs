#!/usr/bin/env node
// The `keepsake` command. Runs the TypeScript sources through tsx's loader so the CLI,
// the web host and the tests all execute the same code without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../main/cli/main.ts');
