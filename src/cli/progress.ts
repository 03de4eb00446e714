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
