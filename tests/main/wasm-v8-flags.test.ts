/**
 * The `--no-liftoff` V8 flag (src-main/engine/wasm/v8-flags.ts) is set by the process entries
 * that run kernels, never as a side effect of importing the kernel compiler.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'

const setFlags = vi.hoisted(() => vi.fn())
vi.mock('node:v8', async (original) => ({ ...(await original<typeof import('node:v8')>()), setFlagsFromString: setFlags }))

const root = join(import.meta.dirname, '../..')

describe('V8 flags for the WebAssembly kernels', () => {
  it('importing the kernel and its compiler sets no flag; optimiseWasmFromStart sets --no-liftoff once', async () => {
    await import('../../src-main/engine/wasm/kernel')
    await import('../../src-main/engine/wasm/compile')
    expect(setFlags).not.toHaveBeenCalled()
    const { optimiseWasmFromStart, wasmOptimisedFromStart } = await import('../../src-main/engine/wasm/v8-flags')
    expect(wasmOptimisedFromStart()).toBe(false)
    optimiseWasmFromStart()
    optimiseWasmFromStart()
    expect(setFlags.mock.calls).toEqual([['--no-liftoff']])
    expect(wasmOptimisedFromStart()).toBe(true)
  })

  it('the engine worker, the CLI and the benchmark ask for it at start-up', () => {
    for (const entry of ['src-main/engine/worker.ts', 'src-main/cli/main.ts', 'bench/run.ts']) {
      const text = readFileSync(join(root, entry), 'utf8')
      expect(text, entry).toMatch(/^optimiseWasmFromStart\(\)/m)
    }
  })
})
