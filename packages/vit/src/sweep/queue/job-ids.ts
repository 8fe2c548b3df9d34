/** BullMQ job ids of sweep jobs: the job's content id, so adding the same job twice adds it once. */
import type { SweepJob } from '../cell-config';

export const jobIdOf = (job: Pick<SweepJob, 'kind' | 'id'>) => `${job.kind}-${job.id}`;
