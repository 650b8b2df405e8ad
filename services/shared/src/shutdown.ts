import type { Logger } from './logger.ts';

/**
 * Runs `stop` once on SIGTERM or SIGINT and exits; a second signal or the
 * grace period running out forces the exit, so a stuck dependency cannot
 * hold the pod past its termination grace period.
 */
export function onShutdown(log: Logger, graceMs: number, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ graceMs }, 'shutdown grace period exceeded: exiting');
      process.exit(1);
    }, graceMs);
    timer.unref();
    stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

/** Prints a start-up failure (bad configuration, unreachable dependency) and exits non-zero. */
export function exitOnStartupError(service: string, err: unknown): never {
  process.stderr.write(`${service}: ${(err as Error).message ?? String(err)}\n`);
  process.exit(1);
}
