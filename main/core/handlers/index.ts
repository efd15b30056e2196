// Every contract method's handler, assembled. The `Handlers` type makes a method without
// a handler a compile error.
import { appHandlers } from './app';
import { cloudHandlers } from './cloud';
import { devicesHandlers } from './devices';
import { dialogHandlers } from './dialogs';
import { consentHandlers, eraseHandlers, holdHandlers, privacyHandlers, receiptHandlers, retentionHandlers } from './erasure';
import { intakeHandlers } from './intake';
import { jobHandlers } from './jobs';
import { libraryHandlers } from './library';
import { recoveryHandlers } from './recovery';
import { securityHandlers } from './security';
import { settingsHandlers } from './settings';
import type { Handlers } from './types';
import { vaultHandlers } from './vault';
import { watchHandlers } from './watch';

export const handlers: Handlers = {
  ...appHandlers,
  ...dialogHandlers,
  ...eraseHandlers,
  ...receiptHandlers,
  ...consentHandlers,
  ...holdHandlers,
  ...retentionHandlers,
  ...privacyHandlers,
  ...jobHandlers,
  ...intakeHandlers,
  ...securityHandlers,
  ...settingsHandlers,
  ...vaultHandlers,
  ...cloudHandlers,
  ...devicesHandlers,
  ...libraryHandlers,
  ...recoveryHandlers,
  ...watchHandlers,
};
