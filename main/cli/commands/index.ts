// Every `keepsake` command, in the order `keepsake --help` lists them.
import type { Command } from '../command';

export const commands: Command[] = [];
