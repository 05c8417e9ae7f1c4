/**
 * For a network, at the playhead of the shown run: the slice's loss at the projected point (what
 * the surface under the drawn path shows), the true training loss, and how far the true
 * parameters are off the drawn plane, each named so one is not read as the other.
 */
import { useEffect, useState } from 'react'
import { job, onJobChange } from '../data/job-data'
import { clock, onPlayhead } from '../data/playback'
import { eos } from '../eos/state'
import { useUi } from '../store/ui-store'
import { sliceData } from './slice-data'

const fmt = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : '—')

export interface SliceReading {
  readonly step: number
  readonly sliceLoss: number
  readonly trueLoss: number
  readonly offPlane: number
}

/** The reading at kept point k of the shown run, or null when the job carries no slice data. */
export function sliceReading(k: number): SliceReading | null {
  if (!sliceData.present || sliceData.jobId !== job.jobId || job.kept === 0) return null
  const run = Math.min(eos.run, job.runs.length - 1)
  const j = Math.max(0, Math.min(Math.round(k), job.received - 1))
  const i = run * job.kept + j
  return { step: j * job.every, sliceLoss: sliceData.sliceLoss[i], trueLoss: job.loss[i], offPlane: sliceData.offPlane[i] }
}

export function SliceReadout() {
  const network = useUi((s) => s.scenario.landscape.network !== undefined)
  const [, setTick] = useState(0)
  useEffect(() => {
    const bump = () => setTick((t) => t + 1)
    const offA = onPlayhead(bump)
    const offB = onJobChange(bump)
    return () => {
      offA()
      offB()
    }
  }, [])
  if (!network) return null
  const r = sliceReading(clock.t)
  if (!r) return null
  const gap = r.trueLoss - r.sliceLoss
  return (
    <div className="slice-readout mono" data-testid="slice-readout" aria-label="Slice readout">
      <div className="slice-readout-title">step {r.step} (on the drawn slice)</div>
      <div title="L(c + a·d₁ + b·d₂): the surface's height under the drawn point">
        slice loss at projection <b data-testid="slice-loss">{fmt(r.sliceLoss)}</b>
      </div>
      <div title="L(w) at the true parameters, which are not on the plane">
        true loss <b data-testid="true-loss">{fmt(r.trueLoss)}</b>{' '}
        <span className="muted">
          ({gap >= 0 ? '+' : ''}
          {fmt(gap)} vs slice)
        </span>
      </div>
      <div title="‖w − proj(w)‖: how far the true parameters are from the drawn plane">
        distance off the plane <b data-testid="off-plane">{fmt(r.offPlane)}</b>
      </div>
    </div>
  )
}
