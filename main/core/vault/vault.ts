// INTERIM SHELL — replaced by the vault engine (issue 3) in this same session.
import type { MediaSource } from '../media';

export class Vault {
  close(): void {}
  async media(_id: string): Promise<MediaSource | null> {
    return null;
  }
}
