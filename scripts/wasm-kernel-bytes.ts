/**
 * The WebAssembly kernel compiler's output for a fixed matrix of kernels — every optimizer ×
 * several landscapes × gradient noise on/off × hyperparameters per particle / shared / fixed
 * switches — as one SHA-256 per module, plus the total compile time. Used when changing the
 * compiler to check that its output is byte-identical to before (run it on both versions and
 * diff the JSON):
 *
 *   npx tsx scripts/wasm-kernel-bytes.ts > before.json   (old compiler)
 *   npx tsx scripts/wasm-kernel-bytes.ts > after.json    (new compiler)
 */
import { createHash } from 'node:crypto'
import { landscapeFromSpec } from '../src-shared/landscape'
import { hparamCodeNames, OPTIMIZERS } from '../src-shared/optim'
import { kernelParts } from '../src-main/engine/kernel-source'
import { compileKernel } from '../src-main/engine/wasm/compile'
import { encodeModule } from '../src-main/engine/wasm/encoder'
import { interleaveFor, kernelProgram, strideFor } from '../src-main/engine/wasm/kernel'

const LANDSCAPES = ['rosenbrock', 'himmelblau', 'rastrigin', 'ackley', 'beale']
const hashes: Record<string, string> = {}
let compileMs = 0
for (const def of OPTIMIZERS) {
  const names = hparamCodeNames(def)
  const booleans = Object.entries(def.hparams).filter(([, s]) => s.kind === 'boolean').map(([k]) => k)
  const variants: Record<string, { uniform: ReadonlySet<string>; fixed: ReadonlyMap<string, number> }> = {
    varying: { uniform: new Set(), fixed: new Map() },
    uniform: { uniform: new Set(names), fixed: new Map() },
    fixedOff: { uniform: new Set(names), fixed: new Map(names.map((n) => [n, 0])) },
    fixedOn: { uniform: new Set(names), fixed: new Map(booleans.map((n) => [n, 1])) },
  }
  for (const preset of LANDSCAPES) {
    const landscape = landscapeFromSpec({ preset })
    for (const noise of [false, true]) {
      for (const [variant, { uniform, fixed }] of Object.entries(variants)) {
        const parts = kernelParts(landscape, def, uniform, false, { noNoise: !noise, fixed })
        const program = kernelProgram(parts, strideFor(1000), interleaveFor(noise))
        const t0 = performance.now()
        const compiled = compileKernel(program)
        compileMs += performance.now() - t0
        const bytes = encodeModule({ imports: compiled.imports, memoryPages: [1, 1], exportName: 'run', params: ['i32', 'i32'], body: compiled.body })
        hashes[`${def.name}|${preset}|noise=${noise}|${variant}`] = createHash('sha256').update(bytes).digest('hex').slice(0, 16)
      }
    }
  }
}
process.stdout.write(JSON.stringify({ kernels: Object.keys(hashes).length, compileMs: Math.round(compileMs), hashes }, null, 1) + '\n')
