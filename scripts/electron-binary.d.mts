// Types for electron-binary.mjs (used from the TypeScript Electron test lane).
export function findElectronBinary(env?: NodeJS.ProcessEnv): { path: string } | { path: null; reason: string };
export function electronPackageDir(): string | null;
