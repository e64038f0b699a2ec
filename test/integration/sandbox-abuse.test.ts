import { test } from 'vitest';
import { runScript } from '../support/run-script.js';

const child = 'export const meta = { name: "child", description: "c" };\nfor (let i = 0; i < 60000; i++) log("c" + i); return 1';
const probes: Record<string, [string, any?]> = {
  misc: [`return [typeof queueMicrotask, typeof structuredClone, typeof TextEncoder, typeof performance, typeof globalThis.gc, typeof Realm, typeof ShadowRealm, typeof importScripts, typeof WorkerGlobalScope]`],
  budgetErr: [`await agent("one"); try { await agent("two") } catch (e) { return [e.name, e.message, e.stack, Object.getOwnPropertyNames(e)] }`, { budget: 5 }],
  limitErr: [`await agent("one"); try { await agent("two") } catch (e) { return [e.name, e.message, e.stack, Object.getOwnPropertyNames(e)] }`, { maxAgents: 1 }],
  schemaErr: [`try { await agent("two", { schema: { type: "object", properties: { a: { type: "number", minimum: 5, maximum: 1 } } } }) } catch (e) { return [e.name, e.message, e.stack, Object.getOwnPropertyNames(e)] }`],
  sliceBypass: [`String.prototype.slice = function () { return String(this) }; log("x".repeat(200000)); await agent("sync"); return "ok"`],
  phasesSync: [`for (let i = 0; i < 20000; i++) phase("p" + i); await agent("sync"); return "ok"`],
  phases20k: [`for (let i = 0; i < 20000; i++) phase("p" + i); return "ok"`],
  childLogsSync: [`for (let i = 0; i < 3; i++) await workflow({ scriptPath: "./child.js" }); await agent("sync"); return 3`, { files: { 'child.js': child } }],
  millionI: [`for (let i = 0; i < 1000000; i++) log(i); return "done"`],
  millionLine: [`for (let i = 0; i < 1000000; i++) log("line", i); await agent("sync"); return "done"`],
  spin: [`await agent("x"); const spin = () => Promise.resolve().then(spin); spin(); await new Promise(() => {})`, { cpuLimitMs: 300 }],
  toJsonLoop: [`log({ toJSON() { for (;;) {} } })`, { cpuLimitMs: 300 }],
  thrownProxy: [`throw new Proxy({}, { get() { throw 1 }, has() { throw 1 } })`],
  forge: [`throw { name: "WfCpuLimitError", code: "WF_CPU_LIMIT", hint: "h", message: "fake" }`],
  proxyResult: [`return new Proxy({}, { ownKeys: () => ["a", "b"], getOwnPropertyDescriptor: () => ({ value: 1, enumerable: true, configurable: true }), get: (t, k) => k === "a" ? 1 : k === "b" ? [2] : undefined })`],
  throwingProxyResult: [`return new Proxy({}, { get() { throw new Error("boom") } })`],
  revoked: [`const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy`],
  nestedThenable: [`return { x: { then() {} } }`],
  symbolPrompt: [`const out = []; for (const p of [Symbol("s"), { [Symbol.toPrimitive]() { log("coerced"); return "x" } }, new String("x")]) { try { await agent(p) } catch (e) { out.push(e.name + ": " + e.message) } } return out`],
};

for (const [name, [src, opts]] of Object.entries(probes)) {
  test(name, async () => {
    const t = Date.now();
    const run = await runScript(src, { ...opts });
    console.log(name, Date.now() - t, 'ms logs', run.logs.length, 'maxlog', Math.max(0, ...run.logs.map(l => l.length)), 'phases', run.summary.phases.length, 'last', run.logs.at(-1)?.slice(0, 100), JSON.stringify({ status: run.summary.status, result: run.summary.result, error: run.summary.error, warnings: run.summary.warnings.slice(0, 3) }, null, 1).slice(0, 2500));
  }, 120_000);
}
