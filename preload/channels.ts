// The two IPC channel names the preload and the Electron host share. They are the whole
// IPC surface: one request channel for contract calls, one push channel for contract
// events. Kept here (not in main/) because the preload bundle must not pull in main code.
export const INVOKE_CHANNEL = 'keepsake:invoke';
export const EVENT_CHANNEL = 'keepsake:event';
