import type { Principal } from './principal.ts';

export interface AppEnv {
  Variables: {
    principal: Principal;
    requestId: string;
  };
}
