// Why Electron would not start on Linux because of its sandbox, in words for `npm start`.
// Ubuntu 23.10+ (24.04 LTS) restricts unprivileged user namespaces with AppArmor, so Chromium's
// namespace sandbox is unavailable, and Chromium falls back to the SUID helper chrome-sandbox in
// node_modules, which npm installs neither root-owned nor setuid: Electron aborts with SIGTRAP
// ("The SUID sandbox helper binary was found, but is not configured correctly",
// electron/electron#42510; Ubuntu's LP #2046844).

const SUID_HELPER = /SUID sandbox helper binary was found, but is not configured correctly/;
const NO_SANDBOX = /No usable sandbox!/;

/**
 * Explanation lines for a failed Electron launch, or null when the failure is not the sandbox.
 * @param {{ stderr: string, code: number | null, signal: string | null, electronPath: string, platform?: string }} launch
 * @returns {string[] | null}
 */
export function explainSandboxFailure({ stderr, code, signal, electronPath, platform = process.platform }) {
  if (platform !== 'linux') return null;
  if (code === 0 && !signal) return null;
  if (!SUID_HELPER.test(stderr) && !NO_SANDBOX.test(stderr)) return null;
  const helper = `${electronPath.replace(/\/[^/]*$/, '')}/chrome-sandbox`;
  return [
    'Electron stopped at start-up: its sandbox cannot start on this system.',
    'Ubuntu 23.10 and later (24.04 LTS included) forbid the user namespaces Chromium sandboxes',
    'itself with, unless an AppArmor profile allows them; the fallback, the chrome-sandbox helper that',
    'npm installed, must be owned by root and setuid, which npm does not do (electron/electron#42510).',
    '',
    'Either of these fixes it (each needs sudo once):',
    '  1. An AppArmor profile that lets this Electron create user namespaces (the narrowest fix):',
    `       printf 'abi <abi/4.0>,\\ninclude <tunables/global>\\nprofile likeness-electron "${electronPath}" flags=(unconfined) {\\n  userns,\\n}\\n' | sudo tee /etc/apparmor.d/likeness-electron`,
    '       sudo apparmor_parser -r /etc/apparmor.d/likeness-electron',
    '  2. Make the helper root-owned and setuid (redo it after every reinstall of node_modules):',
    `       sudo chown root:root "${helper}" && sudo chmod 4755 "${helper}"`,
    'Then run `npm start` again. Running with --no-sandbox would work too, but it turns off the',
    "sandbox of every window, which Likeness's security relies on: not recommended.",
  ];
}
