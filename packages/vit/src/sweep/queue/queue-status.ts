/** What the queue says about a sweep: the cells whose jobs are active (taken by a worker) right now. */
import { Queue } from 'bullmq';
import { checkRedis, QUEUE_NAME, redisOptions } from './connection';

export async function activeCellIds(url: string): Promise<Set<string>> {
  await checkRedis(url);
  const queue = new Queue(QUEUE_NAME, { connection: redisOptions(url) });
  try {
    const active = await queue.getJobs(['active']);
    return new Set(active.flatMap((j) => (j.id?.startsWith('cell-') ? [j.id.slice('cell-'.length)] : [])));
  } finally {
    await queue.close();
  }
}
