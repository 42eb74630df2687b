/**
 * Upload benchmark (printed, never asserted): upload_file of a 50 MiB local file through the bundled
 * bridge (dist/bridge.js, `npm run bench` builds it), a real broker and the emulator's upload session.
 *   - wall time of the tool call (hash before approval + fragments sent while re-hashing)
 *   - the bridge's peak RSS growth during the call: VmHWM after it minus VmRSS before it, with the
 *     high-water mark reset first where Linux allows it (/proc/<pid>/clear_refs) — goal ≤ 32 MiB,
 *     i.e. memory bounded by one fragment, not by the file.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { startEmulator } from '../helpers/emulator.ts';
import { resultText, startBridgeClient } from '../helpers/mcp-client.ts';

const SIZE = 50 * 1024 * 1024;

async function memKiB(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
}

/** Resets the peak-RSS mark (Linux ≥ 4.0, own processes); false when not possible. */
async function resetPeak(pid: number): Promise<boolean> {
  return writeFile(`/proc/${pid}/clear_refs`, '5').then(
    () => true,
    () => false,
  );
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gb-bench-upload-'));
  const emulator = await startEmulator();
  const adele = emulator.users.find((u) => u.upn.startsWith('adele'));
  if (adele) emulator.control.setGrant(adele.oid, emulator.clientId, [...GROUP_SCOPES.files.write]);
  const broker = await startTestBroker({ emulator, settings: { uploadFolders: [dir] } });
  const bridge = await startBridgeClient({
    home: broker.home,
    caPath: emulator.caPath,
    entry: 'dist',
    clientName: 'bench-upload',
    args: ['--tools', 'files'],
  });
  try {
    const big = join(dir, 'big.bin');
    await writeFile(big, randomBytes(SIZE));
    await writeFile(join(dir, 'warm.txt'), 'warm-up');
    const warm = await bridge.call('upload_file', { path: 'Bench/warm.txt', localPath: join(dir, 'warm.txt') });
    if (warm.isError) throw new Error(`warm-up upload failed: ${resultText(warm)}`);
    const pid = bridge.transport.pid ?? 0;
    const exact = await resetPeak(pid);
    const before = await memKiB(pid, 'VmRSS');
    const started = performance.now();
    const r = await bridge.call('upload_file', { path: 'Bench/big.bin', localPath: big });
    const ms = performance.now() - started;
    if (r.isError) throw new Error(`upload failed: ${resultText(r)}`);
    const growth = ((await memKiB(pid, 'VmHWM')) - before) / 1024;
    const rows: [string, string, string][] = [
      [
        'upload_file 50 MiB (hash + upload session, 5 MiB fragments)',
        `${ms.toFixed(0)} ms = ${(SIZE / 1024 / 1024 / (ms / 1000)).toFixed(1)} MiB/s`,
        '',
      ],
      [
        `bridge peak RSS growth during it${exact ? '' : ' (peak not resettable: upper bound)'}`,
        `${growth.toFixed(1)} MiB (RSS before ${(before / 1024).toFixed(1)} MiB)`,
        'goal ≤ 32 MiB',
      ],
    ];
    const w = Math.max(...rows.map((x) => x[0].length));
    for (const [k, v, goal] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}${goal ? `   (${goal})` : ''}\n`);
  } finally {
    await bridge.close();
    await broker.stop();
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}
