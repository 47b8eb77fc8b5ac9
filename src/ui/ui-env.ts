import type { Principal } from '../http/principal.ts';
import type { TFunction, UiLanguage } from '../i18n.ts';

/** What console handlers read from `c.var`: the session's principal, its CSRF token, the page language. */
export interface UiEnv {
  Variables: {
    requestId: string;
    principal: Principal;
    csrfToken: string;
    t: TFunction;
    lang: UiLanguage;
  };
}
