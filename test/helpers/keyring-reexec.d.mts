/** Re-runs this process inside a throwaway unlocked gnome-keyring session on Linux (see the .mjs). */
export function ensureKeyringSession(nodeArgs?: string[]): void;
