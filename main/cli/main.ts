// Entry point of the `keepsake` command (bin/keepsake.mjs loads this file).
import { runCli } from './run';

// The AWS SDK prints a warning once per process on Node < 22: its releases after January
// 2027 will need Node 22. The version this build pins runs on Node 20 (package.json's
// floor), so the note is for whoever upgrades the SDK (docs/dependencies.md), not for a
// person running `keepsake sync`, who would read it as something gone wrong.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await runCli(process.argv.slice(2));
