#!/usr/bin/env node
/**
 * `gqa-lab`: the command line of the up-training lab. Subcommands train, uptrain, eval, convert, report, sweep
 * and worker;
 * `gqa-lab <command> --help` lists each one's flags. Usage errors exit with 2, other failures with 1.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nearest, UsageError } from './cli/args';
import { convertCommand } from './cli/convert-command';
import { DEVICES, takeDeviceFlag, useDevice } from './cli/device';
import { evalCommand } from './cli/eval-command';
import { reportCommand } from './cli/report-command';
import { sweepCommand } from './cli/sweep-command';
import { trainCommand } from './cli/train-command';
import { uptrainCommand } from './cli/uptrain-command';
import { workerCommand } from './cli/worker-command';

type Command = (argv: readonly string[], print: (s: string) => void) => Promise<void>;

export const COMMANDS: Readonly<Record<string, { run: Command; summary: string }>> = {
  uptrain: {
    run: uptrainCommand,
    summary: 'the experiment: MHA -> every variant, fine-tune, compare, report',
  },
  train: { run: trainCommand, summary: 'train one ViT (any variant) and save a model file' },
  eval: { run: evalCommand, summary: 'test loss and accuracy of a model file' },
  convert: { run: convertCommand, summary: 'MHA model file -> a grouped variant model file' },
  report: { run: reportCommand, summary: 'rebuild report.html from results.json' },
  sweep: { run: sweepCommand, summary: 'a grid of cells on a local pool or a BullMQ queue, with its report' },
  worker: { run: workerCommand, summary: 'run sweep jobs from a BullMQ queue (any number, any machine)' },
};

export const MAIN_HELP = [
  'Usage: gqa-lab <command> [flags]',
  '',
  'Commands:',
  ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)}${c.summary}`),
  '',
  'Run `gqa-lab <command> --help` for the flags of a command; `gqa-lab --version` prints the version.',
  '',
  'Every command also takes --device NAME, the backend it runs on:',
  ...Object.entries(DEVICES).map(([name, what]) => `  ${name.padEnd(11)}${what}`),
  '',
  'Exit status: 0 done, 2 the command line is wrong (unknown command or flag, bad value, missing or',
  'non-existent input path, unreadable --config), 1 the command ran and failed (bad file contents, I/O, training).',
  '',
].join('\n');

/** The installed @gqa-lab/vit version, from its package.json (one folder up from src/ and from dist/). */
export function cliVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : 'unknown';
}

/** Runs the command line; returns the exit code (0 ok, 1 failure, 2 usage error). */
export async function main(
  argv: readonly string[],
  io: { print: (s: string) => void; error: (s: string) => void } = {
    print: (s) => console.log(s),
    error: (s) => console.error(s),
  },
): Promise<number> {
  let device: ReturnType<typeof takeDeviceFlag>;
  try {
    device = takeDeviceFlag(argv);
  } catch (e) {
    io.error(`gqa-lab: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  const [name, ...rest] = device.argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.print(MAIN_HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.print(cliVersion());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    const hint = nearest(name, Object.keys(COMMANDS));
    io.error(`gqa-lab: unknown command '${name}'${hint ? `; did you mean '${hint}'?` : ''}\n\n${MAIN_HELP}`);
    return 2;
  }
  let release = () => {};
  try {
    release = await useDevice(device.device);
    await command.run(rest, io.print);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      // Every message starts with the program and command, whichever layer raised it.
      io.error(e.message.startsWith('gqa-lab ') ? e.message : `gqa-lab ${name}: ${e.message}`);
      return 2;
    }
    io.error(`gqa-lab ${name}: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.GQA_LAB_DEBUG && e instanceof Error && e.stack) io.error(e.stack);
    return 1;
  } finally {
    release();
  }
}

// Run when executed directly (tsx packages/vit/src/cli.ts, or the gqa-lab bin), not when imported by tests.
const entry = process.argv[1];
if (entry && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))) {
  process.exitCode = await main(process.argv.slice(2));
}
