import { test } from 'vitest';
import { runScript } from '../support/run-script.js';

const probes: Record<string, string> = {
  stacks: `const out = {};
    try { await agent(5) } catch (e) { out.promptType = e.stack }
    try { await agent("x", { effort: "nope" }) } catch (e) { out.badOpt = e.stack }
    try { await workflow("nope-nope") } catch (e) { out.unknownWf = e.stack }
    const r = await parallel([() => { throw new Error("in thunk") }]);
    let captured;
    Error.prepareStackTrace = (e, frames) => frames.map(f => [f.getFileName(), f.getFunctionName(), typeof f.getFunction(), typeof f.getThis()].join("|"));
    await parallel([() => { captured = new Error("x").stack }]);
    out.frames = captured;
    return out`,
  globals: `return [Object.getOwnPropertyNames(globalThis), Reflect.ownKeys(globalThis).map(String)]`,
  wasm: `return [typeof WebAssembly, (() => { try { const m = new WebAssembly.Memory({initial:1, maximum:1, shared:true}); return Object.prototype.toString.call(m.buffer) } catch (e) { return "threw " + e.message } })()]`,
  caller: `const out=[]; for (const f of [agent, log, parallel]) { try { out.push(String(f.caller)) } catch (e) { out.push(e.message) } } return out`,
  thenable: `return { then(r) { r(5) } }`,
  arraybuf: `try { const b = new ArrayBuffer(2 ** 30); return b.byteLength } catch (e) { return e.name + ": " + e.message }`,
};

for (const [name, src] of Object.entries(probes)) {
  test(name, async () => {
    const run = await runScript(src, { heapLimitMb: 64 });
    console.log(name, JSON.stringify({ status: run.summary.status, result: run.summary.result, error: run.summary.error, logs: run.logs.slice(0, 5), warnings: run.summary.warnings }, null, 1));
  });
}
