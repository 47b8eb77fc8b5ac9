import type { Logger } from 'pino';
import type { Principal } from './principal.ts';

export interface AppEnv {
  Variables: {
    principal: Principal;
    requestId: string;
    /** Bound to the request id; made on first use (see requestLog). */
    log: Logger | undefined;
  };
}
