/** Global switches of the autograd engine: gradient recording and anomaly detection. */

let gradEnabled = true;
let anomalyEnabled = false;

/** True when new primitives record graph nodes. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording the graph (torch.no_grad). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with recording on or off, restoring the previous mode afterwards. */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

export function isAnomalyMode(): boolean {
  return anomalyEnabled;
}

/**
 * Anomaly mode (torch.autograd.detect_anomaly): while on, the first primitive whose forward output or
 * backward gradient holds NaN or Inf throws an error naming the op and the shapes.
 */
export function setAnomalyMode(enabled: boolean): void {
  anomalyEnabled = enabled;
}

/** Runs `fn` with anomaly mode on. */
export function detectAnomaly<T>(fn: () => T): T {
  const previous = anomalyEnabled;
  anomalyEnabled = true;
  try {
    return fn();
  } finally {
    anomalyEnabled = previous;
  }
}

let backwardOf: string | null = null;

/** The op whose backward is running now (anomaly messages name it instead of its inner ops). */
export function currentBackwardOp(): string | null {
  return backwardOf;
}

/** Runs `fn` as the backward of `op`. */
export function inBackwardOf<T>(op: string, fn: () => T): T {
  const previous = backwardOf;
  backwardOf = op;
  try {
    return fn();
  } finally {
    backwardOf = previous;
  }
}
