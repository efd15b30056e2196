// Ports: the small interfaces through which OS features reach core. Hosts provide the
// adapters (the Electron host wraps safeStorage; the CLI and web host use the
// unavailable key store). Core never imports 'electron'.

/** Wraps and unwraps small secrets with an OS keychain. */
export interface KeyStore {
  /** False when no trustworthy OS keychain exists (Linux basic_text counts as none). */
  isAvailable(): boolean;
  /** A label that changes when the backend changes, so a switch can be detected and refused. */
  backendId(): string;
  encrypt(plain: Buffer): Buffer;
  decrypt(sealed: Buffer): Buffer;
}

/** Hosts without an OS keychain. Fail closed: nothing is ever stored in plaintext instead. */
export const unavailableKeyStore: KeyStore = {
  isAvailable: () => false,
  backendId: () => 'none',
  encrypt: () => {
    throw new Error('No OS keychain is available on this host.');
  },
  decrypt: () => {
    throw new Error('No OS keychain is available on this host.');
  },
};

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Native file dialogs. Only the desktop host has them; the web host uploads instead. */
export interface Dialogs {
  available(): boolean;
  /** Paths the person chose, or [] when they cancelled. */
  openPaths(options: { title: string; folders: boolean; multiple: boolean }): Promise<string[]>;
  /** A path to save to, or null when they cancelled. */
  savePath(options: { title: string; defaultName: string }): Promise<string | null>;
}

export const noDialogs: Dialogs = {
  available: () => false,
  openPaths: async () => [],
  savePath: async () => null,
};
