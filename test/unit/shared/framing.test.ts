import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder } from '../../../app/shared/framing.ts';

void test('splits newline-delimited frames across chunk boundaries and drops blank lines', () => {
  const d = new FrameDecoder(100);
  assert.deepEqual(d.push(Buffer.from('{"a":1}\n{"b"')), { frames: ['{"a":1}'], error: null });
  assert.deepEqual(d.push(Buffer.from(':2}\r\n\n{"c":3}\n')), { frames: ['{"b":2}', '{"c":3}'], error: null });
});

void test('keeps multi-byte UTF-8 characters split across chunks intact', () => {
  const d = new FrameDecoder(100);
  const bytes = Buffer.from('"héllo"\n');
  assert.deepEqual(d.push(bytes.subarray(0, 3)).frames, []);
  assert.deepEqual(d.push(bytes.subarray(3)).frames, ['"héllo"']);
});

void test('a frame over the cap is an error, whether terminated or still buffering', () => {
  assert.equal(new FrameDecoder(10).push(Buffer.from('01234567890\n')).error, 'FRAME_TOO_LARGE');
  const d = new FrameDecoder(10);
  assert.equal(d.push(Buffer.from('012345')).error, null);
  assert.equal(d.push(Buffer.from('678901')).error, 'FRAME_TOO_LARGE');
  assert.equal(new FrameDecoder(10).push(Buffer.from('0123456789\n')).error, null, 'exactly the cap is fine');
});

void test('each() applies the cap in force for every line: a cap raised mid-chunk lets the next line through', () => {
  const d = new FrameDecoder(4);
  const seen: string[] = [];
  const error = d.each(Buffer.from('ab\n0123456789\n'), (frame) => {
    seen.push(frame);
    d.setMaxFrameBytes(100);
    return true;
  });
  assert.equal(error, null);
  assert.deepEqual(seen, ['ab', '0123456789']);
  const stopped: string[] = [];
  assert.equal(
    new FrameDecoder(100).each(Buffer.from('a\nb\n'), (f) => (stopped.push(f), false)),
    null,
  );
  assert.deepEqual(stopped, ['a'], 'returning false stops at that frame');
  assert.equal(
    new FrameDecoder(4).each(Buffer.from('ab\n0123456789\n'), () => true),
    'FRAME_TOO_LARGE',
  );
});
