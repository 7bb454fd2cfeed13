// Places a library never reaches into, whether added as a folder or met behind a symbolic link:
// system folders and pseudo-filesystems (/proc, /sys, /dev… are endless, change all the time and
// hold no photos: watching /proc froze the server), and Likeness's own data folder (its thumbnails
// are not photos). Also the one loop check the folder watcher needs (chokidar's own does not stop
// a link to "." short of the OS's ELOOP limit, and two such links multiply).
import { realpathSync, statfsSync } from 'node:fs';
import { posix, win32 } from 'node:path';
import { isWithin } from '../util/paths';

/** System folders by platform (real paths). A library folder may be none of these, inside one, or contain one. */
function systemFolders(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'win32') {
    const drive = env.SystemDrive ?? 'C:';
    return [
      env.SystemRoot ?? env.windir ?? `${drive}\\Windows`,
      env.ProgramFiles ?? `${drive}\\Program Files`,
      env['ProgramFiles(x86)'] ?? `${drive}\\Program Files (x86)`,
      env.ProgramData ?? `${drive}\\ProgramData`,
      `${drive}\\$Recycle.Bin`,
      `${drive}\\System Volume Information`,
    ];
  }
  const unix = [
    '/proc',
    '/sys',
    '/dev',
    '/run',
    '/etc',
    '/boot',
    '/bin',
    '/sbin',
    '/lib',
    '/lib32',
    '/lib64',
    '/libx32',
    '/usr',
    '/snap',
    '/var/run',
    '/var/lock',
    '/var/lib',
    '/var/cache',
    '/var/log',
    '/var/spool',
  ];
  if (platform === 'darwin') {
    // /etc and /var are links into /private; /System/Volumes holds the data volume and mounts.
    return [
      ...unix,
      '/System/Library',
      '/System/Applications',
      '/System/Cryptexes',
      '/System/DriverKit',
      '/System/iOSSupport',
      '/private/etc',
      '/private/var/db',
      '/private/var/run',
      '/private/var/log',
      '/private/var/vm',
      '/cores',
      '/Library/Caches',
    ];
  }
  return unix;
}

/** Linux pseudo-filesystems by statfs type (linux/magic.h), however they are mounted (containers bind /proc anywhere). */
const PSEUDO_FILESYSTEMS: Record<number, string> = {
  0x9fa0: 'proc',
  0x62656572: 'sysfs',
  0x1cd1: 'devpts',
  0x27e0eb: 'cgroup',
  0x63677270: 'cgroup2',
  0x64626720: 'debugfs',
  0x74726163: 'tracefs',
  0x73636673: 'securityfs',
  0xcafe4a11: 'bpf',
  0x6165676c: 'pstore',
  0x62656570: 'configfs',
  0x65735543: 'fusectl',
  0x42494e4d: 'binfmt_misc',
  0x19800202: 'mqueue',
  0x958458f6: 'hugetlbfs',
  0xf97cff8c: 'selinuxfs',
  0x6e736673: 'nsfs',
  0x50495045: 'pipefs',
};

export interface PlaceOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** Ask the OS which filesystem holds the folder (off for checking another platform's paths). */
  statfs?: boolean;
}

/** Why a folder (given by its real path) is a system folder or a pseudo-filesystem, or null when it is not. */
export function systemFolderReason(realPath: string, options: PlaceOptions = {}): string | null {
  const platform = options.platform ?? process.platform;
  const path = platform === 'win32' ? win32 : posix;
  const fold = (p: string) => (platform === 'win32' || platform === 'darwin' ? p.toLowerCase() : p);
  if (platform === 'win32' && /^\\\\\.\\/.test(realPath)) return 'it is a device path, not a folder of photos';
  // \\?\C:\… (a long-path form a real path may take) is the folder C:\….
  const plain = platform === 'win32' ? realPath.replace(/^\\\\\?\\(?=[A-Za-z]:)/, '') : realPath;
  const target = fold(path.resolve(plain));
  for (const system of systemFolders(platform, options.env ?? process.env)) {
    const folder = fold(path.resolve(system));
    if (target === folder || target.startsWith(folder + path.sep)) return `it is a system folder (${system}), not a folder of photos`;
    if (folder.startsWith(target.endsWith(path.sep) ? target : target + path.sep)) {
      return `it contains system folders (${system}): choose the folder that holds your photos`;
    }
  }
  if ((options.statfs ?? platform === process.platform) && platform === 'linux') {
    try {
      const kind = PSEUDO_FILESYSTEMS[statfsSync(realPath).type];
      if (kind) return `it is on the ${kind} pseudo-filesystem, not a folder of photos`;
    } catch {
      // Unreadable: the scan says so per folder.
    }
  }
  return null;
}

export function realPathOr(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

/** Why a folder or file reached under a library folder is not followed (real path given), or null. */
export function placeRefusal(realPath: string, dataDirReal: string, sep: string, options: PlaceOptions = {}): string | null {
  const system = systemFolderReason(realPath, options);
  if (system) return system;
  if (isWithin(realPath, dataDirReal, sep) || isWithin(dataDirReal, realPath, sep)) return "it leads into Likeness's own data folder";
  return null;
}

/**
 * True when the folder at `path` (under the watched `root`) leads back to where it is reached from:
 * its real path is one of its ancestors' real paths or above one. Following it would never end.
 * `realpath` is injected for tests.
 */
export function isLinkLoop(path: string, root: string, sep: string, realpath: (p: string) => string = (p) => realpathSync.native(p)): boolean {
  const real = realpath(path);
  let at = path;
  while (at.length > root.length && at.startsWith(root)) {
    const parent = at.slice(0, Math.max(at.lastIndexOf(sep), root.length));
    if (parent === at) break;
    at = parent;
    if (isWithin(realpath(at), real, sep)) return true;
  }
  return false;
}
