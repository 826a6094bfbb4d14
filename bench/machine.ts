// The machine the numbers come from, and how busy it is with other work.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export function machineInfo(): Record<string, string> {
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return 'unknown';
    }
  };
  const dirty = git(['status', '--porcelain']) ? ' (uncommitted changes)' : '';
  return {
    CPU: os.cpus()[0]?.model ?? 'unknown',
    Cores: String(os.availableParallelism()),
    Memory: `${Math.round(os.totalmem() / 1024 ** 3)} GiB`,
    Node: process.version,
    OS: `${os.type()} ${os.release()} ${os.arch()}`,
    'Load average at start': os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    Commit: `${git(['rev-parse', '--short', 'HEAD'])}${dirty}`,
    Date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  };
}

/** Share of the machine's CPU time that was busy over `ms` (Linux /proc/stat), 0..1. */
export async function busyShare(ms: number): Promise<number> {
  const sample = () => {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3]! + (fields[4] ?? 0);
    return { idle, total: fields.reduce((a, b) => a + b, 0) };
  };
  try {
    const a = sample();
    await new Promise((resolve) => setTimeout(resolve, ms));
    const b = sample();
    return 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
  } catch {
    return Number.NaN;
  }
}

/** Other work on this machine skews every figure: wait (at most BENCH_QUIET_WAIT s) for it to calm down. */
export async function waitForQuiet(log: (line: string) => void): Promise<number> {
  const deadline = Date.now() + Number(process.env.BENCH_QUIET_WAIT ?? 120) * 1000;
  let busy = await busyShare(2000);
  while (busy > 0.2 && Date.now() < deadline) {
    log(`machine ${(busy * 100).toFixed(0)}% busy before the run; waiting for it to calm down`);
    busy = await busyShare(5000);
  }
  return busy;
}
