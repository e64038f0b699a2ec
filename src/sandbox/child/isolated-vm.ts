/**
 * Loads the isolated-vm build that matches this Node's ABI (architecture decision 1): 6.x ships
 * prebuilt binaries for Node 22 (ABI 127) and 24 (ABI 137); 5.x compiles from source and is the
 * only line that builds on Node 20 (ABI 115). Both are optional dependencies under aliases.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type IsolatedVm = typeof import('isolated-vm-5');

export interface LoadedIsolatedVm {
  ivm: IsolatedVm;
  /** Which package answered, e.g. `isolated-vm-5`. */
  packageName: string;
}

export function loadIsolatedVm(): LoadedIsolatedVm {
  const abi = Number(process.versions.modules);
  const order = abi >= 127 ? ['isolated-vm-6', 'isolated-vm-5'] : ['isolated-vm-5', 'isolated-vm-6'];
  const failures: string[] = [];
  for (const packageName of order) {
    try {
      return { ivm: require(packageName) as IsolatedVm, packageName };
    } catch (error) {
      failures.push(`${packageName}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(
    `no usable isolated-vm build for Node ${process.version} (ABI ${abi}): ${failures.join('; ')}. ` +
      'Reinstall wf with a C++ toolchain available (python3, make, g++) or use Node 22 or 24.',
  );
}
