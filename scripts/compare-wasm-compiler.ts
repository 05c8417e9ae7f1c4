/**
 * Compares the WebAssembly kernel compiler in the working tree with the one at a git revision:
 * every optimizer × five landscapes × gradient noise on/off × hyperparameters per particle /
 * shared / fixed to 0 / switches on (480 kernels), function bodies and imports byte for byte,
 * plus each compiler's total compile time (interleaved, so machine noise hits both alike).
 *
 *   npx tsx scripts/compare-wasm-compiler.ts af93059     (the last commit of the one-function compiler)
 *
 * The old compile.ts is written beside the new one for the run (its relative imports resolve)
 * and removed after. Exit status 1 when any kernel differs.
 */
import { execFileSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { landscapeFromSpec } from '../src-shared/landscape'
import { hparamCodeNames, OPTIMIZERS } from '../src-shared/optim'
import { kernelParts } from '../src-main/engine/kernel-source'
import { type CompiledProgram, compileKernel, type KernelProgram } from '../src-main/engine/wasm/compile'
import { encodeModule } from '../src-main/engine/wasm/encoder'
import { interleaveFor, kernelProgram, strideFor } from '../src-main/engine/wasm/kernel'

const ref = process.argv[2]
if (!ref) {
  process.stderr.write('usage: npx tsx scripts/compare-wasm-compiler.ts GIT-REVISION\n')
  process.exit(2)
}
const root = join(import.meta.dirname, '..')
const oldPath = join(root, 'src-main/engine/wasm/compile-at-revision.generated.ts')
writeFileSync(oldPath, execFileSync('git', ['show', `${ref}:src-main/engine/wasm/compile.ts`], { cwd: root, encoding: 'utf8' }))
try {
  const old = (await import(oldPath)) as { compileKernel: (p: KernelProgram) => CompiledProgram }
  const moduleBytes = (c: CompiledProgram) =>
    Buffer.from(encodeModule({ imports: c.imports, memoryPages: [1, 1], exportName: 'run', params: ['i32', 'i32'], body: c.body }))
  let same = 0
  const differ: string[] = []
  const ms = { old: 0, new: 0 }
  const timed = (which: 'old' | 'new', f: () => CompiledProgram) => {
    const t0 = performance.now()
    const c = f()
    ms[which] += performance.now() - t0
    return c
  }
  for (const def of OPTIMIZERS) {
    const names = hparamCodeNames(def)
    const booleans = Object.entries(def.hparams)
      .filter(([, s]) => s.kind === 'boolean')
      .map(([k]) => k)
    const variants: Record<string, readonly [ReadonlySet<string>, ReadonlyMap<string, number>]> = {
      varying: [new Set(), new Map()],
      uniform: [new Set(names), new Map()],
      fixedOff: [new Set(names), new Map(names.map((n) => [n, 0]))],
      fixedOn: [new Set(names), new Map(booleans.map((n) => [n, 1]))],
    }
    for (const preset of ['rosenbrock', 'himmelblau', 'rastrigin', 'ackley', 'beale']) {
      for (const noise of [false, true]) {
        for (const [variant, [uniform, fixed]] of Object.entries(variants)) {
          const parts = kernelParts(landscapeFromSpec({ preset }), def, uniform, false, { noNoise: !noise, fixed })
          const program = kernelProgram(parts, strideFor(1000), interleaveFor(noise))
          const a = timed('old', () => old.compileKernel(program))
          const b = timed('new', () => compileKernel(program))
          if (moduleBytes(a).equals(moduleBytes(b)) && a.scalarOffset === b.scalarOffset && a.bytes === b.bytes) same++
          else differ.push(`${def.name} ${preset} noise=${noise} ${variant}`)
        }
      }
    }
  }
  process.stdout.write(`${same} kernels byte-identical, ${differ.length} differ${differ.length ? `:\n  ${differ.join('\n  ')}` : ''}\n`)
  process.stdout.write(`compile time, all kernels: ${ref} ${ms.old.toFixed(0)} ms, working tree ${ms.new.toFixed(0)} ms\n`)
  process.exitCode = differ.length ? 1 : 0
} finally {
  rmSync(oldPath, { force: true })
}
