// The Dialogs port over Electron's dialog module (driven with a recording double).
import { describe, expect, it } from 'vitest';
import { electronDialogs, type DialogLike } from '../../../main/electron/electron-dialogs';

function recording(answer: { canceled: boolean; filePaths?: string[]; filePath?: string }) {
  const asked: unknown[] = [];
  const dialog: DialogLike = {
    showOpenDialog: async (o) => {
      asked.push(o);
      return { canceled: answer.canceled, filePaths: answer.filePaths ?? [] };
    },
    showSaveDialog: async (o) => {
      asked.push(o);
      return { canceled: answer.canceled, filePath: answer.filePath };
    },
  };
  return { dialog, asked };
}

describe('electronDialogs', () => {
  it('opens files or folders, one or many, and returns what was chosen', async () => {
    const { dialog, asked } = recording({ canceled: false, filePaths: ['/home/me/a.vcf', '/home/me/b.vcf'] });
    const d = electronDialogs(dialog, () => '/home/me/Documents');
    expect(d.available()).toBe(true);
    expect(await d.openPaths({ title: 'Import contacts', folders: false, multiple: true })).toEqual(['/home/me/a.vcf', '/home/me/b.vcf']);
    await d.openPaths({ title: 'Choose a backup folder', folders: true, multiple: false });
    expect(asked).toEqual([
      { title: 'Import contacts', properties: ['openFile', 'multiSelections', 'dontAddToRecent'] },
      { title: 'Choose a backup folder', properties: ['openDirectory', 'dontAddToRecent'] },
    ]);
  });

  it('returns [] / null when the person cancels', async () => {
    const d = electronDialogs(recording({ canceled: true, filePaths: ['/x'], filePath: '/y' }).dialog, () => '/docs');
    expect(await d.openPaths({ title: 't', folders: false, multiple: false })).toEqual([]);
    expect(await d.savePath({ title: 't', defaultName: 'kit.pdf' })).toBeNull();
  });

  it('suggests only a file name in the default folder, never a path from the caller', async () => {
    const { dialog, asked } = recording({ canceled: false, filePath: '/home/me/Documents/Emergency Kit.pdf' });
    const d = electronDialogs(dialog, () => '/home/me/Documents');
    expect(await d.savePath({ title: 'Save your Emergency Kit', defaultName: '../../etc/Emergency Kit.pdf' })).toBe('/home/me/Documents/Emergency Kit.pdf');
    expect(asked[0]).toMatchObject({ defaultPath: '/home/me/Documents/Emergency Kit.pdf' });
    await d.savePath({ title: 't', defaultName: '..\\..\\evil.pdf' });
    expect(asked[1]).toMatchObject({ defaultPath: '/home/me/Documents/evil.pdf' });
  });
});
