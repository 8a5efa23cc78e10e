/**
 * The worker thread an editor runs its corpora in (see `CorpusHost`). Requests are answered in turn as
 * they arrive; a load in progress does not hold up answers about corpora already loaded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CorpusHost, type HostOptions, type HostRequest } from './corpus-host';

const host = new CorpusHost((workerData ?? {}) as HostOptions, (message) => parentPort!.postMessage(message));

parentPort?.on('message', ({ id, request }: { id: number; request: HostRequest }) => {
  void host.handle(id, request);
});
