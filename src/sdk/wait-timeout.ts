/** A wait for a job that had not ended when its time was up (the job itself goes on). */
export class WaitTimeoutError extends Error {
  constructor(
    readonly jobId: string,
    readonly timeoutMs: number,
  ) {
    super(`Job ${jobId} had not ended after ${Math.round(timeoutMs / 1000)} s; it goes on, wait again to follow it.`);
  }
}
