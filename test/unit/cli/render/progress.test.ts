import { describe, expect, test } from 'vitest';
import { progressLine } from '../../../../src/cli/render/progress.js';
import { recordedRun } from './recorded-run.js';

describe('plain progress: one line per event', () => {
  test('the recorded run, as CI logs and --plain show it', () => {
    const lines = recordedRun.map(({ event }) => progressLine(event)).filter((line) => line !== null);
    expect(lines.join('\n')).toMatchInlineSnapshot(`
      "wf: run wf_mhx2k1c0-3kq9za started: deep-research (/work/p/.boocode/workflows/deep-research.js) with the openai dispatcher
      ▸ phase Plan
        ◦ #0 plan topics started
        ✓ #0 plan topics completed (1.5s, 1620 tokens)
        log: planned 6 topics
      ▸ phase Research
        ✓ #1 survey: papers cached (cache, from run wf_mhw9z8y7-1abcde)
        ◦ #2 survey: blogs started
        ◦ #3 survey: 数据集 📊 and a long tail started
        ◦ #4 survey: talks started
        ◦ #5 survey: code started
      wf: warning: openai: rate limited (429); pausing new requests for 2.0 s
      wf: warning: openai: rate limited (429); pausing new requests for 2.0 s
      wf: warning: openai: connection failed; retrying in 1.2 s (retry 1 of 4)
      wf: warning: openai: connection failed; retrying in 1.2 s (retry 2 of 4)
      wf: warning: openai: rate limited (429); pausing new requests for 2.0 s
      wf: warning: openai: connection failed; retrying in 1.2 s (retry 3 of 4)
      wf: warning: openai: rate limited (429); pausing new requests for 2.0 s
      wf: warning: agent(): unknown option "temprature" was dropped
      wf: warning: agent(): unknown option "temprature" was dropped
        ✗ #4 survey: talks failed (openai: request rejected (400): context length exceeded)
        ◦ #6 survey: forums started
      wf: warning: budget: 12670 of 15000 tokens spent (84%); agent() throws once it is spent
        ✓ #2 survey: blogs completed (4.9s, 17200 tokens)
        ✓ #3 survey: 数据集 📊 and a long tail completed (5.4s, 3900 tokens)
        ✓ #5 survey: code completed (5.6s, 2500 tokens)
        ✓ #6 survey: forums completed (3.4s, 2200 tokens)
      ▸ phase Write
        ◦ #7 write report started
        ✓ #7 write report completed (2.0s, 10000 tokens)
      wf: run completed in 9.5s: 8 agents (1 cached), 38370 tokens, $0.1654; /work/p/.boocode/runs/wf_mhx2k1c0-3kq9za"
    `);
  });
});
