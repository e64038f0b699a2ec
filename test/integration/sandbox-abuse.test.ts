import { test } from 'vitest';
import { runScript } from '../support/run-script.js';

const probes: Record<string, [string, any?]> = {
  redosDuration: [`try { await agent("x", { timeout: "1" + " ".repeat(60000) + "x" }) } catch (e) { return e.message.slice(0, 80) }`, { timeoutMs: 500 }],
  redosPattern: [`try { await agent("x", { schema: { type: "object", required: ["a".repeat(27) + "!"], patternProperties: { "^(a+)+$": {} } } }) } catch (e) { return e.message.slice(0, 80) } return "ok"`, { timeoutMs: 500 }],
  deepDescription: [`let d = []; for (let i = 0; i < 20000; i++) d = [d]; try { return await agent("x", { schema: { type: "object", description: d } }) } catch (e) { return e.name + ": " + e.message.slice(0, 100) }`],
  deepLabel: [`let d = []; for (let i = 0; i < 20000; i++) d = [d]; try { return await agent("x", { junk: d }) } catch (e) { return e.name + ": " + e.message.slice(0, 100) }`],
  nameTraversal: [`try { return await workflow("../../../../etc/passwd") } catch (e) { return e.name + ": " + e.message.slice(0, 300) }`],
};

for (const [name, [src, opts]] of Object.entries(probes)) {
  test(name, async () => {
    let last = Date.now(); let maxGap = 0;
    const hb = setInterval(() => { const n = Date.now(); maxGap = Math.max(maxGap, n - last); last = n; }, 10);
    const t = Date.now();
    const run = await runScript(src, { ...opts });
    clearInterval(hb);
    console.log(name, Date.now() - t, 'ms maxGap', maxGap, JSON.stringify({ status: run.summary.status, result: run.summary.result, error: run.summary.error, warnings: run.summary.warnings.slice(0, 3) }, null, 1).slice(0, 1500));
  }, 120_000);
}
