/**
 * Inside Electron the preload answers each call with its IpcResult envelope; the renderer's
 * connection unwraps it, so a refused input arrives as an ApiError with its InputProblem whole
 * (no field read back from the message by pattern).
 */
import { describe, expect, it } from 'vitest'
import { OPERATIONS } from '../../src-shared/api'
import { SHELL_OPERATIONS } from '../../src-shared/desktop-api'

describe('desktop bridge', () => {
  it('unwraps values and turns failure envelopes into ApiErrors that keep the problem', async () => {
    const problem = { field: 'optimizers[0].lr', message: 'must be ≥ 0, got -1' }
    const bridge: Record<string, unknown> = { version: '0', onJobEvent: () => () => undefined, onMenuCommand: () => () => undefined }
    for (const op of [...OPERATIONS, ...SHELL_OPERATIONS]) {
      bridge[op] = async () =>
        op === 'startJob' ? { ok: false, error: { message: `optimizers[0].lr: ${problem.message}`, problem } } : { ok: true, value: op }
    }
    ;(globalThis as { window?: unknown }).window = { gradscape: bridge, location: { protocol: 'http:', host: 'x' } }
    const { getConnection } = await import('../../src-renderer/api')
    const { api, kind, shell } = getConnection()
    expect(kind).toBe('electron')
    expect(await api.info()).toBe('info')
    expect(await shell!.openSessionFile()).toBe('openSessionFile')
    const err = await api.startJob({}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Error)
    expect((err as { problem?: unknown }).problem).toEqual(problem)
  })
})
