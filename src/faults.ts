import fs from 'node:fs';
import path from 'node:path';

/**
 * Faults as operators read them: one line that says what happened, to which
 * file, and what to do, with an exit status per kind of failure. Every entry
 * point (server, import, migrate, backup, demo) answers through runCli, which
 * prints `Fault.message` and exits with `Fault.exitCode`; stacks go to the
 * debug log only. docs/operations.md lists the statuses and messages.
 */

export const ExitCode = {
  ok: 0,
  /** An import folder or a configuration variable is invalid; nothing was written. */
  invalidInput: 1,
  /** Wrong command-line usage. */
  usage: 2,
  /** The machine: disk full, read-only volume, missing folder, no permission, port in use. */
  environment: 3,
  /** The database: damaged, missing, newer than this code, or changed outside the migrations. */
  database: 4,
  /** Anything else: a bug. */
  unexpected: 70,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure an operator can act on; the message is the one line they read. */
export class Fault extends Error {
  constructor(message: string, readonly exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'Fault';
  }
}

/** The errno code of an fs error, or the extended result code of a SQLite error ('' for neither). */
function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** Where a failing write went: the file or folder, and the setting that chooses it (DATABASE_PATH, MEDIA_DIR, …). */
export interface Place {
  path: string;
  setting?: string;
}

const orSet = (place: Place) => (place.setting ? ` (or set ${place.setting} to another place)` : '');
const inSetting = (place: Place) => (place.setting ? ` in ${place.setting}` : '');

/**
 * The one-line explanation and advice for a file-system fault (errno codes
 * and their SQLite counterparts), or null when the error is not one.
 */
export function describeSystemFault(err: unknown, place: Place): string | null {
  const reported = codeOf(err);
  // A recursive mkdir on a read-only volume says ENOENT, SQLite says CANTOPEN for any of these: ask the file system.
  const code = reported === 'ENOENT' || reported === 'SQLITE_CANTOPEN' ? (probeWritable(place.path) ?? reported) : reported;
  const where = place.path;
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL') {
    return `the disk holding ${where} is full: free space or grow the volume, then run again`;
  }
  if (code === 'EROFS' || code.startsWith('SQLITE_READONLY')) {
    return `${where} is on a read-only file system: remount it read-write${orSet(place)}`;
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_PERM') {
    return `${where} is not writable by this user: give the user running epaper write access to it and its folder${orSet(place)}`;
  }
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    const file = fileAbove(where);
    return `${where} lies under ${file ?? 'a file'}, which is a file, not a folder: correct the path${inSetting(place)}`;
  }
  if (code === 'ENOENT') {
    const folder = path.dirname(where);
    return `folder ${folder} does not exist: create it (mkdir -p ${folder}) or correct the path${inSetting(place)}`;
  }
  if (code === 'EISDIR') return `${where} is a folder, not a file: correct the path${inSetting(place)}`;
  if (code === 'EIO' || code.startsWith('SQLITE_IOERR')) {
    return `input/output error on ${where}: the disk may be failing; check the system log (dmesg) before writing to it again`;
  }
  if (code === 'EMFILE' || code === 'ENFILE') return `too many open files while writing ${where}: raise the limit (ulimit -n) and run again`;
  return null;
}

/** The nearest existing ancestor of `p` when it is a file (a path "under a regular file"). */
function fileAbove(p: string): string | null {
  for (let dir = path.dirname(p); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    if (stat) return stat.isDirectory() ? null : dir;
  }
  return null;
}

/**
 * Why a file cannot be written when the error itself does not say (SQLite
 * reports "unable to open database file" for all of these, and a recursive
 * mkdir on a read-only volume reports ENOENT): the errno code the file
 * system gives for the nearest existing folder and the file, or null when
 * they look writable. A missing folder that could be created is ENOENT.
 */
export function probeWritable(file: string): string | null {
  if (fileAbove(file)) return 'ENOTDIR';
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return 'EISDIR';
  let folder = path.dirname(file);
  while (!fs.existsSync(folder) && folder !== path.dirname(folder)) folder = path.dirname(folder);
  for (const target of stat ? [folder, file] : [folder]) {
    try {
      fs.accessSync(target, fs.constants.W_OK);
    } catch (err) {
      return codeOf(err) || 'EACCES';
    }
  }
  return fs.existsSync(path.dirname(file)) ? null : 'ENOENT';
}

/** The listener could not be opened: port in use, not permitted, or an address this machine does not have. */
export function describeListenFault(err: unknown, host: string, port: number): Fault | null {
  const code = codeOf(err);
  if (code === 'EADDRINUSE') {
    return new Fault(`port ${port} on ${host} is already in use by another process: stop that process or set PORT to a free port`, ExitCode.environment, { cause: err });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new Fault(`not permitted to listen on port ${port} on ${host}: set PORT to a port above 1023 and put a proxy in front (docs/deploy.md)`, ExitCode.environment, { cause: err });
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new Fault(`${host} is not an address of this machine: set HOST to one of its addresses (127.0.0.1, or 0.0.0.0 for all)`, ExitCode.environment, { cause: err });
  }
  return null;
}
