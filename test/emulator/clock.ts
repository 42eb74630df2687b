/**
 * The emulator's clock. Reads an injectable time source (default: the real `Date.now`) plus an
 * offset that the control plane moves forward, so tests expire tokens and codes without sleeping.
 */
import type { EmulatorClock } from './types.ts';

export function createClock(source: () => number = () => Date.now()): EmulatorClock {
  let offsetMs = 0;
  return {
    nowMs: () => source() + offsetMs,
    advance(seconds: number) {
      offsetMs += seconds * 1000;
    },
  };
}

/** Seconds since the epoch (JWT `iat`/`exp` unit). */
export function nowSeconds(clock: EmulatorClock): number {
  return Math.floor(clock.nowMs() / 1000);
}
