export interface Loop {
  stop(): Promise<void>;
}

/**
 * Runs `task` `intervalMs` after the previous run ended (runs never overlap), off the request path.
 * Errors go to `onError`; `stop` waits for a run in progress. Several API nodes may each run the loop:
 * tasks take their rows with SKIP LOCKED or an advisory lock.
 */
export function startLoop(
  intervalMs: number,
  task: () => Promise<unknown>,
  onError: (err: unknown) => void,
): Loop {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      running = task()
        .catch(onError)
        .finally(() => {
          if (!stopped) schedule();
        });
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
