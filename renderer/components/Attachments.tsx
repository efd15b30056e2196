// Every attachment of an item (email, note, MMS, any item's files), each one usable:
// pictures show a preview, audio and video play (range requests, so they seek), and every
// file downloads from its own media id ("<item>.attachment.<n>", [Note: media ids]).
import { Paperclip } from 'lucide-react';
import type { FileRef } from '../../common/contract/library';
import { api } from '../api/client';
import { formatBytes } from '../library/format';

/** One file as a download link (plain text when the vault cannot stream it). */
export function AttachmentLink({ file }: { file: FileRef }) {
  return file.mediaId ? (
    <a href={api.mediaUrl(file.mediaId)} download={file.name}>
      {file.name}
    </a>
  ) : (
    <span>{file.name}</span>
  );
}

/** A picture, a player or nothing, by type; alt text names the file. */
export function AttachmentPreview({ file, className }: { file: FileRef; className?: string }) {
  if (!file.mediaId) return null;
  const src = api.mediaUrl(file.mediaId);
  if (file.mime.startsWith('image/')) return <img className={className ?? 'attachment-image'} src={src} alt={`Attachment ${file.name}`} loading="lazy" decoding="async" />;
  if (file.mime.startsWith('video/')) return <video className="attachment-media" src={src} controls preload="metadata" aria-label={`Attachment ${file.name}`} />;
  if (file.mime.startsWith('audio/')) return <audio className="attachment-media" src={src} controls preload="metadata" aria-label={`Attachment ${file.name}`} />;
  return null;
}

export function AttachmentList({ files, label = 'Attachments' }: { files: FileRef[]; label?: string }) {
  if (!files.length) return null;
  return (
    <ul className="plain-list attachments" aria-label={label}>
      {files.map((f) => (
        <li key={`${f.role}${f.ordinal}`} className="attachment">
          <AttachmentPreview file={f} />
          <span className="row">
            <Paperclip size={14} aria-hidden="true" />
            <AttachmentLink file={f} />
            <span className="muted">{formatBytes(f.size)}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
