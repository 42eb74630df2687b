// One process for many test files (test/run.mjs, the unit and emulator tiers): node's runner would
// start a process (and tsx) per file, which is most of a unit run's time. Each file becomes a suite
// named by its path, so a failure reads `test/unit/…/x.test.ts > test name` with the file's location;
// the suite's timeout is the old per-file ceiling and its tests inherit it. Files share the process:
// one that leaves a server, socket, child or timer open keeps the shard alive, so after the last test
// a ceiling lists what is still open and which file opened it, and fails the shard.
import { after, before, describe } from 'node:test';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The types of the handles keeping the process alive, e.g. ['TCPServerWrap', 'Timeout']. */
const openHandles = () => process.getActiveResourcesInfo();

/** The entries of `now` that `then` lacks (as multisets). */
function added(now, then) {
  const left = [...then];
  return now.filter((r) => {
    const i = left.indexOf(r);
    if (i === -1) return true;
    left.splice(i, 1);
    return false;
  });
}

/**
 * @param {{ root: string, files: string[], timeoutMs: number, exitCeilingMs: number }} options
 *   files relative to root; exitCeilingMs: how long the process may stay alive after its last test.
 */
export function runTestFiles({ root, files, timeoutMs, exitCeilingMs }) {
  const baseline = openHandles();
  /** Open handles as each file's suite starts, and at the end. */
  const marks = [];
  const imports = [];
  for (const file of files) {
    describe(file, { timeout: timeoutMs }, async () => {
      before(() => marks.push({ file, open: openHandles() }));
      // Tests register while their file is evaluated, in this suite's context (node's runner finds
      // the parent from it). A suite runs once it is built: wait for every file, so no test runs while
      // later files are still being loaded on the same thread (it would stall a test's timers).
      const loading = import(pathToFileURL(join(root, file)).href);
      imports.push(loading);
      await loading;
      await Promise.allSettled(imports);
    });
  }
  after(() => {
    marks.push({ file: undefined, open: openHandles() });
    setTimeout(() => reportLeaks({ baseline, marks, exitCeilingMs }), exitCeilingMs).unref();
  });
}

function reportLeaks({ baseline, marks, exitCeilingMs }) {
  const lines = marks.slice(0, -1).flatMap(({ file, open }, i) => {
    const opened = added(marks[i + 1].open, open);
    return opened.length > 0 ? [`#   ${file}: ${opened.join(', ')}`] : [];
  });
  const still = added(openHandles(), baseline).filter((r, i, all) => r !== 'Timeout' || all.indexOf(r) !== i);
  process.stderr.write(
    [
      `# this shard was still running ${exitCeilingMs / 1000} s after its last test: open ${still.join(', ') || '(unknown)'}`,
      '# a test did not close a server, socket, child process or timer; handles left open after a file:',
      ...(lines.length > 0 ? lines : ['#   (none between files: look for work started in the background)']),
      '',
    ].join('\n'),
  );
  process.exit(1);
}
