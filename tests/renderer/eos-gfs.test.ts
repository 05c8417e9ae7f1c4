/**
 * The GFS sharpness in the renderer: the session's toggle becomes record.gfs_sharpness for a 2-D
 * landscape and for a float64 network (src-shared/network/gfs.ts) and reads back; the EoS model carries the
 * job's series for the selected run only when the job has it.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_SCENARIO, fromDoc, toDoc } from '../../src-renderer/store/scenario'
import { eosModel } from '../../src-renderer/eos/model'
import type { JobData } from '../../src-renderer/data/job-data'

describe('record.gfs_sharpness in the session', () => {
  it('is sent for a 2-D landscape and read back', () => {
    const s = { ...DEFAULT_SCENARIO, record: { every: 1, sharpness: true, gfs: true } }
    const doc = toDoc(s) as { record: Record<string, unknown> }
    expect(doc.record.gfs_sharpness).toBe(true)
    expect(fromDoc(doc as Record<string, unknown>).record.gfs).toBe(true)
    expect(
      (toDoc({ ...s, record: { every: 1, sharpness: true } }) as { record: Record<string, unknown> }).record.gfs_sharpness,
    ).toBeUndefined()
  })
  it('is sent for a network and read back', () => {
    const s = { ...DEFAULT_SCENARIO, landscape: { network: { layers: [1, 4, 1] } }, record: { every: 1, sharpness: true, gfs: true } }
    const doc = toDoc(s) as { record: Record<string, unknown> }
    expect(doc.record.gfs_sharpness).toBe(true)
    expect(fromDoc(doc as Record<string, unknown>).record.gfs).toBe(true)
  })
})

describe('eosModel.gfs', () => {
  const job = (hasGfs: boolean): JobData =>
    ({
      jobId: 7,
      runs: [
        { optimizer: { name: 'sgd', lr: 0.1 }, init: [0, 0] },
        { optimizer: { name: 'sgd', lr: 0.2 }, init: [0, 0] },
      ],
      starts: 1,
      optimizers: 2,
      kept: 3,
      every: 1,
      xy: new Float32Array(12),
      loss: new Float32Array([1, 1, 1, 1, 1, 1]),
      sharpness: new Float32Array(6),
      axis: new Float32Array(12),
      preconditioned: new Float32Array(0),
      hasSharpness: true,
      hasPreconditioned: false,
      gfsSharpness: new Float32Array([5, 4, 3, 9, 8, 7]),
      hasGfs,
      received: 3,
      done: true,
      divergedAt: new Int32Array([-1, -1]),
      seconds: 0,
      backend: null,
      flows: [],
      version: 1,
      shape: 1,
    }) as unknown as JobData
  it('is the selected run’s series', () => {
    expect(Array.from(eosModel(job(true), 1, [])!.gfs!)).toEqual([9, 8, 7])
    expect(Array.from(eosModel(job(true), 0, [])!.gfs!)).toEqual([5, 4, 3])
  })
  it('is null when the job has none', () => {
    expect(eosModel(job(false), 0, [])!.gfs).toBeNull()
  })
})
