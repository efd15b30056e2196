// Entry point of the `keepsake` command (bin/keepsake.mjs loads this file).
import { runCli } from './run';

process.exitCode = await runCli(process.argv.slice(2));
