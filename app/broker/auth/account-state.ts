/**
 * Owns `<stateDir>/accounts.json` (0600, no secrets): which signed-in account is active.
 *   {"version": 1, "activeHomeAccountId": "<oid>.<tid>" | null}
 * The accounts themselves live in the MSAL token cache (keychain); this file only points at one.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../platform/atomic-file.ts';

export const ACCOUNT_STATE_FILE = 'accounts.json';

const stateSchema = z.object({
  version: z.literal(1),
  activeHomeAccountId: z.string().max(300).nullable(),
});

export interface AccountStateStore {
  readActive(): Promise<string | null>;
  writeActive(homeAccountId: string | null): Promise<void>;
}

export function createAccountStateStore(stateDir: string): AccountStateStore {
  const path = join(stateDir, ACCOUNT_STATE_FILE);
  return {
    async readActive() {
      try {
        const parsed = stateSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
        return parsed.success ? parsed.data.activeHomeAccountId : null;
      } catch {
        return null;
      }
    },
    async writeActive(homeAccountId) {
      await writeFileAtomic(path, `${JSON.stringify({ version: 1, activeHomeAccountId: homeAccountId })}\n`);
    },
  };
}
