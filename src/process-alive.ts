/**
 * Whether a process of this machine is alive, for the locks and run records that name their
 * owner's pid. A process that exists but belongs to another user (EPERM) is alive. Only a
 * positive pid names one process (0 and negatives address process groups), so anything else is
 * not a live owner.
 */
export function isProcessId(pid: unknown): pid is number {
  return typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0;
}

export function processAlive(pid: number): boolean {
  if (!isProcessId(pid)) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
