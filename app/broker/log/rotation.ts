/**
 * Size-based rotation shared by the audit log (async appends) and the broker log (sync appends):
 * `<file>` is current, `<file>.1` … `<file>.<files-1>` are older. One policy, two I/O styles — the
 * caller runs the renames with the fs calls it already uses.
 */
export interface RotationOptions {
  filePath: string;
  maxBytes: number;
  /** Total files kept including the current one (at least 1). */
  files: number;
}

export interface Rotation {
  /** Call before appending `bytes`: true when the current file must be rotated first. */
  due(bytes: number): boolean;
  /** The renames that rotate (oldest first, so nothing is overwritten before it moved); empty for one file. */
  renames(): [from: string, to: string][];
  /** The size of the current file (first known from a stat, then tracked). */
  knownSize(): number | null;
  setSize(size: number): void;
  /** Record an append of `bytes`. */
  appended(bytes: number): void;
  /** After the renames (or a truncation when only one file is kept): the current file is empty. */
  rotated(): void;
}

export function createRotation(options: RotationOptions): Rotation {
  const files = Math.max(1, options.files);
  let size: number | null = null;
  return {
    due: (bytes) => size !== null && size > 0 && size + bytes > options.maxBytes,
    renames() {
      const out: [string, string][] = [];
      for (let i = files - 1; i >= 1; i--) {
        out.push([i === 1 ? options.filePath : `${options.filePath}.${i - 1}`, `${options.filePath}.${i}`]);
      }
      return out;
    },
    knownSize: () => size,
    setSize: (s) => void (size = s),
    appended: (bytes) => void (size = (size ?? 0) + bytes),
    rotated: () => void (size = 0),
  };
}
