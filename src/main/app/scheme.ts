// The likeness:// scheme's privileges; registered before the app is ready (so kept free of imports
// that would load the core early).
import { protocol } from 'electron';
import { MEDIA_SCHEME, MEDIA_SCHEME_PRIVILEGES } from '../security/electronPolicy';

export const SCHEME = MEDIA_SCHEME;

export function registerSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { ...MEDIA_SCHEME_PRIVILEGES } }]);
}
