/**
 * SIGTERM and SIGINT stop a long-running command cleanly: the first runs `stop` (close the
 * server, hand back or finish the work in hand, close the store) and exits 0, or 1 if stopping
 * failed; a second signal while stopping exits at once with 1.
 */
export interface StopLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export function stopOnSignals(stop: () => Promise<void>, log: StopLog): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.error({ signal }, 'second signal while stopping: exiting without closing the store');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'stopping');
    stop().then(
      () => {
        log.info({ signal }, 'stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err, signal }, 'could not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
