// Audit item 5: every session denies every permission request and check.
import { describe, expect, it } from 'vitest';
import { denyAllPermissions, type SessionLike } from '../../main/electron/permissions';

const PERMISSIONS = ['media', 'geolocation', 'notifications', 'midi', 'midiSysex', 'pointerLock', 'fullscreen', 'openExternal', 'clipboard-read', 'clipboard-sanitized-write', 'display-capture', 'hid', 'serial', 'usb', 'idle-detection', 'storage-access', 'window-management', 'unknown'];

function recordingSession() {
  const got: { request?: Parameters<SessionLike['setPermissionRequestHandler']>[0]; check?: Parameters<SessionLike['setPermissionCheckHandler']>[0]; device?: ((d: unknown) => boolean) | null } = {};
  const session: SessionLike = {
    setPermissionRequestHandler: (h) => void (got.request = h),
    setPermissionCheckHandler: (h) => void (got.check = h),
    setDevicePermissionHandler: (h) => void (got.device = h),
  };
  return { session, got };
}

describe('deny-all permission handlers (audit item 5)', () => {
  it('answers no to every permission request', () => {
    const { session, got } = recordingSession();
    denyAllPermissions(session);
    expect(got.request).toBeTypeOf('function');
    for (const permission of PERMISSIONS) {
      const answers: boolean[] = [];
      got.request?.({}, permission, (granted) => answers.push(granted), { requestingUrl: 'app://app/index.html' });
      expect(answers, permission).toEqual([false]);
    }
  });

  it('answers no to every permission check, even from our own origin', () => {
    const { session, got } = recordingSession();
    denyAllPermissions(session);
    for (const permission of PERMISSIONS) expect(got.check?.({}, permission, 'app://app', {}), permission).toBe(false);
    expect(got.device?.({ deviceType: 'usb', origin: 'app://app' })).toBe(false);
  });
});
