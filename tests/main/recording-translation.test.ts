/**
 * The GPU.js recording kernel (record-source.ts) as GPU.js's GPU backends translate it: GLSL for
 * WebGL/WebGL2 (and headless GL), WGSL for WebGPU. No GPU here, so this checks the translation
 * (every construct accepted, the row arithmetic in floats), not the shader compiler: a GPU
 * machine runs the kernels (npm run gpu-check, step 5).
 */
import { describe, expect, it } from 'vitest'
import * as gpujs from 'gpu.js'
import { parseScenario } from '../../src-shared/scenario'
import { planParts } from '../../src-main/engine/plan'
import { initialState32 } from '../../src-main/engine/float32'
import { initialState } from '../../src-main/engine/float64'
import { uniformHparams } from '../../src-main/engine/float32/state'
import { randomFunctionSources } from '../../src-main/engine/kernel-source'
import { recordingSource } from '../../src-main/engine/record-source'

type Loose = Record<string, unknown> & { functionToIGPUFunction(source: string): unknown }

/** The translated kernel (GPU.js's FunctionBuilder over a kernel's settings, as its backends build them). */
function translate(
  source: string,
  args: readonly string[],
  scalars: ReadonlySet<string>,
  cells: number,
  node: 'WebGL2FunctionNode' | 'WebGLFunctionNode' | 'WGSLFunctionNode',
): string {
  const lib = gpujs as unknown as Record<string, new (...a: unknown[]) => Loose> & {
    FunctionBuilder: { fromKernel(k: unknown, n: unknown, o: unknown): { getPrototypes(name: string): string[] } }
  }
  const isScalar = (a: string) => scalars.has(a) || /^(HU|PU)_/.test(a)
  const k = new lib.CPUKernel(source, { output: [cells], returnType: 'Array(4)', loopMaxIterations: 1 << 24 })
  Object.assign(k, {
    functions: randomFunctionSources().map((f) => k.functionToIGPUFunction(f)),
    nativeFunctions: [],
    kernelArguments: args.map((a) => ({ type: isScalar(a) ? 'Float' : 'Array' })),
    argumentNames: [...args],
    argumentSizes: args.map((a) => (isScalar(a) ? 0 : [cells, 1])),
    argumentBitRatios: args.map(() => 4),
    kernelConstants: [],
    constants: {},
    precision: 'single',
    plugins: [],
    output: [cells, 1, 1],
  })
  return lib.FunctionBuilder.fromKernel(k, lib[node], {}).getPrototypes('kernel').join('\n')
}

describe('the GPU.js recording kernel on GPU.js GPU backends', () => {
  // Per-particle β₁ (its running power restarts from PR_), OneCycleLR, gradient noise.
  const s = parseScenario({
    landscape: { preset: 'himmelblau' },
    optimizer: { name: 'adam', lr: 0.05, sweep: { 'betas[0]': { values: [0.5, 0.9] } } },
    init: { grid: { x: [-3, 3], y: [-3, 3], n: [5, 5] } },
    steps: 40,
    record: { every: 7 },
    noise: { std: 0.5, seed: 4 },
    precision: 'float32',
  })
  const job = planParts(s, { backend: 'cpu' })[0].job
  const state = initialState32(initialState(job), job)
  const rs = recordingSource(job.landscape, job.optimizer, state.x.length, 5, uniformHparams(job, state))
  const scalars = new Set(['tFrom', 'noiseStd', 'noiseSeed', 'recFirst', 'recEvery'])
  const cells = (rs.rows + rs.stateRows) * rs.cells

  for (const node of ['WebGL2FunctionNode', 'WebGLFunctionNode', 'WGSLFunctionNode'] as const) {
    it(`translates for ${node}: rows and particles as floats, the per-particle powers restarted from PR_`, () => {
      const code = translate(rs.source, rs.args, scalars, cells, node)
      expect(rs.varyingPowers.length).toBeGreaterThan(0)
      // The row is a float (GPU.js types Math.floor as an integer), corrected against the remainder.
      expect(code).toMatch(node === 'WGSLFunctionNode' ? /var user_u_urow : f32 = \(floor\(/ : /float user_u_urow=\(floor\(/)
      expect(code).toMatch(/user_PRu_upw\d/)
      expect(code).toContain('user_recEvery')
    })
  }
})
