/**
 * One matmul worker: receives jobs (a plan whose arrays live on SharedArrayBuffers, plus a shared
 * control block) and takes work units from the job's shared counter until none are left.
 */
import { parentPort } from 'node:worker_threads';
import { type MatmulJob, takeUnits } from './matmul-job';

if (parentPort === null) throw new Error('matmul-worker: must run as a worker thread');
parentPort.on('message', (job: MatmulJob) => takeUnits(job));
