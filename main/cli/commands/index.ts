// Every `keepsake` command, in the order `keepsake --help` lists them.
import type { Command } from '../command';
import { serveCommand } from './serve';

export const commands: Command[] = [serveCommand];
