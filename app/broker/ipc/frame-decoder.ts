/**
 * Newline-delimited framing with a hard size cap. Feed it socket chunks; it yields complete lines.
 * A line longer than `maxFrameBytes` (or an unterminated buffer that grows past it) is an error —
 * the caller closes that connection.
 */
export type DecodeOutcome = { frames: string[]; error: null } | { frames: string[]; error: 'FRAME_TOO_LARGE' };

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes: number) {}

  push(chunk: Buffer): DecodeOutcome {
    const frames: string[] = [];
    let start = 0;
    let nl = chunk.indexOf(0x0a, start);
    while (nl !== -1) {
      const piece = chunk.subarray(start, nl);
      const size = this.buffered + piece.length;
      if (size > this.maxFrameBytes) return { frames, error: 'FRAME_TOO_LARGE' };
      const line = this.buffered === 0 ? piece : Buffer.concat([...this.chunks, piece], size);
      this.chunks = [];
      this.buffered = 0;
      const text = line.toString('utf8').replace(/\r$/, '');
      if (text.trim() !== '') frames.push(text);
      start = nl + 1;
      nl = chunk.indexOf(0x0a, start);
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.buffered += rest.length;
      if (this.buffered > this.maxFrameBytes) return { frames, error: 'FRAME_TOO_LARGE' };
      this.chunks.push(Buffer.from(rest));
    }
    return { frames, error: null };
  }
}
