/**
 * The EoS view's central-flow offers: "Restart flow here" applies to plain GD on a 2-D landscape
 * only, and is disabled with a reason on a network (the app has only the slice projection of its
 * parameters); the no-flow note says how to get a flow or why there is none.
 */
import { describe, expect, it } from 'vitest'
import { noFlowNote, restartAvailability } from '../../src-renderer/eos/flow-availability'

const gd = { name: 'sgd', lr: 0.1, momentum: 0 }

describe('restartAvailability', () => {
  it('offers a restart for GD on a 2-D landscape', () => {
    expect(restartAvailability(gd, false)).toMatchObject({ ok: true })
  })
  it('refuses it on a network, saying why, even for GD', () => {
    const r = restartAvailability(gd, true)
    expect(r.ok).toBe(false)
    expect(r.reason).toMatch(/network/i)
    expect(r.reason).toMatch(/projection onto the slice/)
  })
  it('refuses RMSprop (needs ν) and heavy ball (no flow) with different reasons', () => {
    const rms = restartAvailability({ name: 'rmsprop', lr: 1e-3, alpha: 0.99 }, false)
    const hb = restartAvailability({ name: 'sgd', lr: 0.1, momentum: 0.9 }, false)
    expect(rms.ok).toBe(false)
    expect(rms.reason).toMatch(/ν/)
    expect(hb.ok).toBe(false)
    expect(hb.reason).toMatch(/Only plain GD/)
  })
})

describe('noFlowNote', () => {
  it('asks to turn the flow on for GD without one', () => {
    expect(noFlowNote(gd, false, true)).toMatch(/Turn on “central flow”/)
  })
  it('says the flow is missing when it was asked for', () => {
    expect(noFlowNote(gd, true, true)).toBe('No central flow for this run.')
  })
  it('names Scalar RMSProp on a network as 2-D only, and heavy ball as having no flow', () => {
    expect(noFlowNote({ name: 'scalar_rmsprop', lr: 0.01, alpha: 0.99 }, true, true)).toMatch(/2-D landscapes only/)
    expect(noFlowNote({ name: 'scalar_rmsprop', lr: 0.01, alpha: 0.99 }, true, false)).toBe('No central flow for this run.')
    expect(noFlowNote({ name: 'sgd', lr: 0.1, momentum: 0.9 }, true, true)).toMatch(/No central flow for this optimizer/)
  })
})
