// Browser uploads to the web host (POST /upload), one file at a time into one staging
// batch, with byte progress. XMLHttpRequest because fetch cannot report upload progress.
import { webToken } from './transport';

export interface UploadFile {
  file: File;
  /** Path inside the chosen folder ("Takeout/Contacts/all.vcf"), or the file name. */
  relativePath: string;
}

export interface UploadProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

function sendOne(f: UploadFile, batch: string | null, onBytes: (n: number) => void, signal: AbortSignal): Promise<{ batch: string; path: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/upload');
    xhr.setRequestHeader('Authorization', `Bearer ${webToken()}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('X-File-Name', encodeURIComponent(f.relativePath));
    if (batch) xhr.setRequestHeader('X-Upload-Batch', batch);
    xhr.upload.onprogress = (e) => onBytes(e.loaded);
    xhr.onload = () => {
      try {
        const r = JSON.parse(xhr.responseText) as { ok: true; value: { batch: string; path: string } } | { ok: false; error: { message: string } };
        if (r.ok) resolve(r.value);
        else reject(new Error(r.error.message));
      } catch {
        reject(new Error(`The upload of ${f.relativePath} failed (${xhr.status}).`));
      }
    };
    xhr.onerror = () => reject(new Error(`The upload of ${f.relativePath} was interrupted.`));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(f.file);
  });
}

/** Uploads every file into one batch; resolves with the batch folder to import. */
export async function uploadAll(files: UploadFile[], onProgress: (p: UploadProgress) => void, signal: AbortSignal): Promise<string> {
  const bytesTotal = files.reduce((n, f) => n + f.file.size, 0);
  let bytesBefore = 0;
  let batch: string | null = null;
  let folder = '';
  for (const [i, f] of files.entries()) {
    const r = await sendOne(f, batch, (n) => onProgress({ filesDone: i, filesTotal: files.length, bytesDone: bytesBefore + n, bytesTotal }), signal);
    batch = r.batch;
    folder = r.path;
    bytesBefore += f.file.size;
    onProgress({ filesDone: i + 1, filesTotal: files.length, bytesDone: bytesBefore, bytesTotal });
  }
  return folder;
}

/** Files from an <input type=file> (with or without webkitdirectory). */
export function fromInput(list: FileList | null): UploadFile[] {
  return [...(list ?? [])].map((file) => ({ file, relativePath: file.webkitRelativePath || file.name }));
}

/** Files (and whole folders) from a drop, walking directory entries. */
export async function fromDrop(items: DataTransferItemList): Promise<UploadFile[]> {
  const out: UploadFile[] = [];
  const entries = [...items].map((i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
      out.push({ file, relativePath: prefix + entry.name });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const e of entries) await walk(e, '');
  return out;
}
