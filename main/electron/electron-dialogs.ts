// Dialogs adapter: core's Dialogs port (main/core/ports.ts) over Electron's native open and
// save dialogs, modal to the main window when there is one. The renderer only ever gets
// paths the person chose here.
import { basename, join } from 'node:path';
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { Dialogs } from '../core/ports';

/** Electron's dialog module, reduced to what this adapter needs (main.ts binds the window). */
export interface DialogLike {
  showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string | undefined }>;
}

export function electronDialogs(dialog: DialogLike, defaultFolder: () => string): Dialogs {
  return {
    available: () => true,
    async openPaths({ title, folders, multiple }) {
      const properties: OpenDialogOptions['properties'] = [folders ? 'openDirectory' : 'openFile', ...(multiple ? (['multiSelections'] as const) : []), 'dontAddToRecent'];
      const result = await dialog.showOpenDialog({ title: title.slice(0, 200), properties });
      return result.canceled ? [] : result.filePaths;
    },
    async savePath({ title, defaultName }) {
      // Only a file name is suggested; where it goes is the person's choice.
      const name = basename(defaultName.replace(/\\/g, '/')) || 'Keepsake export';
      const result = await dialog.showSaveDialog({
        title: title.slice(0, 200),
        defaultPath: join(defaultFolder(), name),
        properties: ['createDirectory', 'showOverwriteConfirmation', 'dontAddToRecent'],
      });
      return result.canceled || !result.filePath ? null : result.filePath;
    },
  };
}
