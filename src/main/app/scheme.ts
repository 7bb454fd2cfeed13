// The likeness:// scheme's privileges; registered before the app is ready (so kept free of imports
// that would load the core early).
import { protocol } from 'electron';

export const SCHEME = 'likeness';

export function registerSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: SCHEME, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: false, corsEnabled: false } },
  ]);
}
