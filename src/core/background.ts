import { getAction } from '../actions.ts';
import type { Actor } from './actor.ts';
import { runAction } from './run-action.ts';
import type { Services } from './services.ts';

const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/**
 * The server's periodic work (`govdx serve`, and the benchmarks' servers, so that they measure what
 * a server does): the ledger sequencer (issue 6), which first sequences what is pending from before
 * the start (a CLI ingest, a crash) and then signs a checkpoint every GOVDX_LEDGER_INTERVAL_MS when
 * there is news; and the R4.4 deadline sweep, which reminds providers and escalates overdue share
 * requests, at start and every 10 minutes. Not in buildServer, so that tests control time
 * themselves. Returns what stops it.
 */
export async function startBackgroundWork(services: Services): Promise<() => Promise<void>> {
  await services.ledger.sequencer.sequence();
  services.ledger.sequencer.start(services.ledger.intervalMs);
  const actor: Actor = { type: 'system', name: 'govdx scheduler' };
  const sweep = () =>
    runAction(services, getAction('share.request.sweep'), {}, { actor }).catch((error: unknown) =>
      services.logger.error({ err: error }, 'share request sweep failed'),
    );
  const sweepTimer = setInterval(() => void sweep(), SWEEP_INTERVAL_MS);
  sweepTimer.unref();
  void sweep();
  return async () => {
    clearInterval(sweepTimer);
    await services.ledger.sequencer.stop();
  };
}
