/**
 * Newline-delimited framing with a hard size cap. Feed it socket chunks; it yields complete lines.
 * A line longer than the cap (or an unterminated buffer that grows past it) is an error — the caller
 * closes that connection. The cap can change between frames (`setMaxFrameBytes`): the broker reads
 * with a small cap until hello succeeded and with the full cap after it, so `each` hands frames over
 * one at a time and checks every later line of the same chunk against the cap in force then.
 */
export type DecodeOutcome = { frames: string[]; error: null } | { frames: string[]; error: 'FRAME_TOO_LARGE' };

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private maxFrameBytes: number) {}

  setMaxFrameBytes(bytes: number): void {
    this.maxFrameBytes = bytes;
  }

  /** Collects every complete frame of `chunk`. */
  push(chunk: Buffer): DecodeOutcome {
    const frames: string[] = [];
    const error = this.each(chunk, (frame) => {
      frames.push(frame);
      return true;
    });
    return error === null ? { frames, error: null } : { frames, error };
  }

  /**
   * Calls `onFrame` for each complete frame of `chunk`, in order, until it returns false. Returns
   * 'FRAME_TOO_LARGE' when a line (or the unterminated rest) exceeds the cap in force at that point.
   */
  each(chunk: Buffer, onFrame: (frame: string) => boolean): 'FRAME_TOO_LARGE' | null {
    let start = 0;
    let nl = chunk.indexOf(0x0a, start);
    while (nl !== -1) {
      const piece = chunk.subarray(start, nl);
      const size = this.buffered + piece.length;
      if (size > this.maxFrameBytes) return 'FRAME_TOO_LARGE';
      const line = this.buffered === 0 ? piece : Buffer.concat([...this.chunks, piece], size);
      this.chunks = [];
      this.buffered = 0;
      const text = line.toString('utf8').replace(/\r$/, '');
      start = nl + 1;
      if (text.trim() !== '' && !onFrame(text)) return null;
      nl = chunk.indexOf(0x0a, start);
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.buffered += rest.length;
      if (this.buffered > this.maxFrameBytes) return 'FRAME_TOO_LARGE';
      this.chunks.push(Buffer.from(rest));
    }
    return null;
  }
}
