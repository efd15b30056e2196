// The port phones reach the gateway on: fixed by default so a paired phone finds it again
// after a restart; KEEPSAKE_GATEWAY_PORT overrides it (0 = any free port, for tests).
export const DEFAULT_GATEWAY_PORT = 47_470;

export function gatewayPort(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.KEEPSAKE_GATEWAY_PORT;
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) && n >= 0 && n <= 65_535 ? n : DEFAULT_GATEWAY_PORT;
}
