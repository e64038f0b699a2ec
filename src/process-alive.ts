/**
 * Whether a process of this machine is alive, for the locks and run records that name their
 * owner's pid. A process that exists but belongs to another user (EPERM) is alive.
 */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
