import { test } from 'vitest';
import { runScript } from '../support/run-script.js';

for (const n of [50000, 100000, 150000, 200000, 300000]) {
  test('r' + n, async () => {
    const statuses: string[] = [];
    for (let i = 0; i < 5; i++) {
      const run = await runScript(`return "r".repeat(${n})`);
      statuses.push(run.summary.status);
    }
    console.log(n, statuses.join(','));
  }, 120_000);
}
