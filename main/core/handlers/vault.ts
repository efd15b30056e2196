// INTERIM SHELL — replaced by the vault engine (issue 3) in this same session.
import { KeepsakeError } from '../../../common/errors';
import type { DomainHandlers } from './types';

const later = async (): Promise<never> => {
  throw new KeepsakeError('UNSUPPORTED', 'The vault is not built yet.');
};
export const vaultHandlers: DomainHandlers<'vault'> = {
  'vault.create': later,
  'vault.unlock': later,
  'vault.lock': later,
};
