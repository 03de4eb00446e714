import cliProgress from 'cli-progress';
import type { ProducerClient } from '../platform/product-module.js';

/**
 * A progress bar over what a long command sends (seed: items posted through the producer API),
 * on stderr and only on a terminal, so `--json` output and pipes stay clean.
 */
export function seedProgress(counts: Record<string, number | undefined>, options: { quiet: boolean }) {
  const expected = Object.values(counts).reduce<number>((sum, value) => sum + (value ?? 0), 0);
  const enabled = !options.quiet && Boolean(process.stderr.isTTY);
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: ' seeding |{bar}| {value}/{total} items · {path} · {duration_formatted}', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let sent = 0;
  if (enabled) bar.start(Math.max(expected, 1), 0, { path: '' });
  return {
    track(producer: ProducerClient): ProducerClient {
      return {
        async post(path, body) {
          const answer = await producer.post(path, body);
          const items = (body as { value?: unknown[] } | undefined)?.value;
          sent += Array.isArray(items) ? items.length : 1;
          // Modules also post what no size option counts (settings, derived facts): the total grows with them.
          if (enabled) {
            if (sent > bar.getTotal()) bar.setTotal(sent);
            bar.update(sent, { path });
          }
          return answer;
        },
      };
    },
    stop(): void {
      if (enabled) bar.stop();
    },
  };
}

/**
 * The progress of a wait (a restore, an export): a bar on a terminal; without one, a plain
 * line each time what it shows changes, so a log or CI output reads as a history. On stderr,
 * and nothing at all with --json, so stdout holds only the answer.
 */
export function waitProgress(label: string, options: { quiet: boolean }) {
  const tty = Boolean(process.stderr.isTTY);
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: ` ${label} |{bar}| {percentage}% · {state} · {duration_formatted}`, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let last = '';
  return {
    /** `value` of `total` done (a percentage: total 100), in `state` ("In Progress", "downloading 1.2 MB"). */
    update(value: number | undefined, total: number, state: string): void {
      if (options.quiet) return;
      if (tty) {
        if (!started) bar.start(total, 0, { state });
        started = true;
        if (bar.getTotal() !== total) bar.setTotal(total);
        bar.update(value ?? 0, { state });
        return;
      }
      const line = `${label}: ${value === undefined ? '' : `${Math.floor((100 * value) / Math.max(total, 1))}% `}${state}`;
      if (line !== last) process.stderr.write(`${line}\n`);
      last = line;
    },
    stop(): void {
      if (started) bar.stop();
      started = false;
    },
  };
}
