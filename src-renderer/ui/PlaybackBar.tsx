/**
 * Playback: restart, step back, play/pause, step forward, end; a timeline scrubber and step
 * readout that follow the playhead by direct DOM writes (no React render per frame); speed.
 */
import { useEffect, useRef } from 'react'
import { job } from '../data/job-data'
import { clock, currentStep, onPlayhead, restart, seek, stepBy, toEnd, togglePlay } from '../data/playback'
import { SPEEDS, useUi } from '../store/ui-store'
import { IconEnd, IconPause, IconPlay, IconRestart, IconStepBack, IconStepForward } from './icons'
import { useJobVersion } from './Legend'

export function PlaybackBar() {
  useJobVersion(100)
  const playing = useUi((s) => s.playing)
  const speed = useUi((s) => s.speed)
  const info = useUi((s) => s.info)
  const scrub = useRef<HTMLInputElement>(null)
  const readout = useRef<HTMLSpanElement>(null)
  const lastStep = Math.max(0, (job.kept - 1) * job.every)

  useEffect(() => {
    const update = () => {
      const t = Math.round(clock.t)
      if (scrub.current && document.activeElement !== scrub.current) scrub.current.value = String(t)
      if (readout.current) {
        readout.current.textContent = `step ${currentStep()} / ${Math.max(0, (job.kept - 1) * job.every)}`
        readout.current.dataset.step = String(currentStep())
      }
    }
    update()
    return onPlayhead(update)
  })

  const progress = job.kept > 0 ? Math.min(1, job.received / job.kept) : 0
  const runs = job.runs.length
  return (
    <div className="playback" data-testid="playback">
      <div className="transport">
        <button type="button" className="icon-btn big" title="Restart (Home)" aria-label="Restart" onClick={restart}>
          <IconRestart />
        </button>
        <button type="button" className="icon-btn big" title="Step back (←)" aria-label="Step back" onClick={() => stepBy(-1)}>
          <IconStepBack />
        </button>
        <button
          type="button"
          className="play"
          title={playing ? 'Pause (Space)' : 'Play (Space)'}
          aria-label={playing ? 'Pause' : 'Play'}
          data-testid="play"
          data-playing={playing}
          onClick={togglePlay}
        >
          {playing ? <IconPause /> : <IconPlay />}
        </button>
        <button type="button" className="icon-btn big" title="Step forward (→)" aria-label="Step forward" onClick={() => stepBy(1)}>
          <IconStepForward />
        </button>
        <button type="button" className="icon-btn big" title="Jump to the end (End)" aria-label="End" onClick={toEnd}>
          <IconEnd />
        </button>
      </div>
      <div className="timeline">
        <div className="buffered" style={{ width: `${progress * 100}%` }} />
        <input
          ref={scrub}
          type="range"
          className="scrubber"
          min={0}
          max={Math.max(0, job.kept - 1)}
          step={1}
          defaultValue={0}
          aria-label="Timeline"
          data-testid="scrubber"
          onChange={(e) => seek(Number(e.target.value))}
        />
      </div>
      <span ref={readout} className="step-readout mono" data-testid="step-readout">
        step 0 / {lastStep}
      </span>
      <label className="speed">
        <span className="muted">speed</span>
        <select value={speed} aria-label="Playback speed" onChange={(e) => useUi.setState({ speed: Number(e.target.value) })}>
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s} steps/s
            </option>
          ))}
        </select>
      </label>
      <span className="job-status muted" data-testid="job-status" data-job-id={job.jobId} data-done={job.done}>
        {runs === 0
          ? 'starting…'
          : job.done
            ? `${runs} run${runs === 1 ? '' : 's'} · ${job.seconds < 0.01 ? '<0.01' : job.seconds.toFixed(2)} s · ${job.backend ?? info?.backend ?? ''}`
            : `computing ${Math.round(progress * 100)}%`}
      </span>
    </div>
  )
}
