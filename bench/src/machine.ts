/** The machine a run was measured on: CPU model and cores from /proc/cpuinfo where it exists, Node, load. */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  readonly cpuModel: string;
  readonly logicalCores: number;
  readonly node: string;
  readonly platform: string;
  readonly totalMemGiB: number;
  /** 1-minute load average when the run started: other work on a shared machine shows up here. */
  readonly loadAvg1m: number;
  readonly date: string;
}

/** Describes this machine; falls back to os.cpus() when /proc/cpuinfo is missing (macOS, Windows). */
export function describeMachine(): Machine {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const m = /^model name\s*:\s*(.+)$/m.exec(info);
    if (m) cpuModel = m[1].trim();
  } catch {
    // not Linux: os.cpus() already gave the model
  }
  return {
    cpuModel,
    logicalCores: availableParallelism(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    totalMemGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAvg1m: Math.round(loadavg()[0] * 100) / 100,
    date: new Date().toISOString(),
  };
}
