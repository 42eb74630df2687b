/** Small statistics for the benchmarks: quantiles of samples and a "median [min–max]" text. */

export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export const median = (samples: readonly number[]): number => quantile(samples, 0.5);

/** `12.3 ms [10.1–15.0]`: the median and the whole range of the samples. */
export function spread(samples: readonly number[], unit = 'ms', digits = 1): string {
  const f = (x: number): string => x.toFixed(digits);
  return `${f(median(samples))} ${unit} [${f(Math.min(...samples))}–${f(Math.max(...samples))}]`;
}

/** `12.3 ms [p25 11.0–p75 13.1]`, for many samples of one figure. */
export function iqr(samples: readonly number[], unit = 'ms', digits = 2): string {
  const f = (x: number): string => x.toFixed(digits);
  return `${f(median(samples))} ${unit} [p25 ${f(quantile(samples, 0.25))}–p75 ${f(quantile(samples, 0.75))}]`;
}
