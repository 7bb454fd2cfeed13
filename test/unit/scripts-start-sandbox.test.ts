// `npm start` on Ubuntu 23.10+/24.04: Electron aborts because its SUID sandbox helper is not
// set up (electron/electron#42510); the launcher says why and how to fix it, and stays quiet
// about every other failure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainSandboxFailure } from '../../scripts/electron-sandbox.mjs';

const electronPath = '/home/ann/likeness/node_modules/electron/dist/electron';
const ubuntuAbort =
  "[77996:0908/150845.938417:FATAL:sandbox/linux/suid/client/setuid_sandbox_host.cc:166] The SUID sandbox helper binary was found, but is not configured correctly. Rather than run without sandboxing I'm aborting now. You need to make sure that /home/ann/likeness/node_modules/electron/dist/chrome-sandbox is owned by root and has mode 4755.";

test('the SUID sandbox abort is explained with both fixes, naming this install', () => {
  const lines = explainSandboxFailure({ stderr: ubuntuAbort, code: null, signal: 'SIGTRAP', electronPath, platform: 'linux' });
  assert.ok(lines);
  const text = lines.join('\n');
  assert.match(text, /Ubuntu 23\.10/);
  assert.match(text, /apparmor_parser -r \/etc\/apparmor\.d\/likeness-electron/);
  assert.match(text, /userns/);
  assert.ok(text.includes(`"${electronPath}"`), 'the profile names this Electron');
  assert.ok(text.includes('sudo chown root:root "/home/ann/likeness/node_modules/electron/dist/chrome-sandbox" && sudo chmod 4755'));
  assert.match(text, /--no-sandbox.*\n.*not recommended/);
  assert.ok(
    explainSandboxFailure({
      stderr: 'FATAL:zygote_host_impl_linux.cc(127)] No usable sandbox! Update your kernel',
      code: 1,
      signal: null,
      electronPath,
      platform: 'linux',
    }),
  );
});

test('other failures, other systems and clean exits get no sandbox explanation', () => {
  assert.equal(explainSandboxFailure({ stderr: 'Error: Cannot find module', code: 1, signal: null, electronPath, platform: 'linux' }), null);
  assert.equal(explainSandboxFailure({ stderr: ubuntuAbort, code: 0, signal: null, electronPath, platform: 'linux' }), null);
  assert.equal(explainSandboxFailure({ stderr: ubuntuAbort, code: null, signal: 'SIGTRAP', electronPath, platform: 'darwin' }), null);
});
