/** @vitest-environment node */
/**
 * The export's pure pieces: video settings and their checks, codec strings per size, which step
 * each frame shows, trajectories as CSV / JSON with the hyperparameters, the loss chart as SVG,
 * and the arguments of `gradscape render`.
 */
import { describe, expect, it } from 'vitest'
import { parseRenderArgs, RenderError } from '../../src-main/cli/render'
import { chartSvg } from '../../src-renderer/export/chart-file'
import { type DataExportInput, f32, hparamColumns, selectedRuns, trajectoriesCsv, trajectoriesJson } from '../../src-renderer/export/data'
import {
  ALL_OVERLAYS,
  codecCandidates,
  overlayScale,
  durationFor,
  formatDuration,
  frameStep,
  framesFor,
  NO_OVERLAYS,
  parseSize,
  renderScale,
  safeFileName,
  sizeProblem,
  type VideoSettings,
  videoProblem,
} from '../../src-shared/export/options'

const video: VideoSettings = {
  codec: 'h264',
  width: 1280,
  height: 720,
  fps: 30,
  frames: 300,
  fromStep: 0,
  toStep: 300,
  camera: 'fixed',
  orbitDegrees: 360,
  title: 'x',
  overlays: ALL_OVERLAYS,
}

describe('video settings', () => {
  it('accepts the presets and refuses odd, tiny, huge or inconsistent settings with a reason', () => {
    expect(videoProblem(video, 300)).toBeNull()
    expect(videoProblem({ ...video, width: 3840, height: 2160, fps: 60 }, 300)).toBeNull()
    expect(videoProblem({ ...video, width: 321 }, 300)).toMatch(/even/)
    expect(videoProblem({ ...video, width: 8 }, 300)).toMatch(/width must be a whole number of pixels from 16/)
    expect(videoProblem({ ...video, width: 4096, height: 4096 }, 300)).toMatch(/larger than the largest frame/)
    expect(videoProblem({ ...video, fps: 0 }, 300)).toMatch(/fps/)
    expect(videoProblem({ ...video, frames: 0 }, 300)).toMatch(/frames/)
    expect(videoProblem({ ...video, frames: 2.5 }, 300)).toMatch(/frames/)
    expect(videoProblem({ ...video, toStep: 301 }, 300)).toMatch(/step range must lie within 0…300/)
    expect(videoProblem({ ...video, fromStep: 200, toStep: 100 }, 300)).toMatch(/from ≤ to/)
    expect(videoProblem({ ...video, camera: 'spin' as 'orbit' }, 300)).toMatch(/camera/)
    expect(sizeProblem(1920, 1080)).toBeNull()
    expect(sizeProblem(1920.5, 1080)).toMatch(/whole number/)
  })

  it('spreads the frames evenly over the step range, first and last included', () => {
    expect(Array.from({ length: 5 }, (_, i) => frameStep(i, 5, 100, 300))).toEqual([100, 150, 200, 250, 300])
    expect(frameStep(0, 1, 100, 300)).toBe(300)
    expect(frameStep(2, 4, 0, 10)).toBeCloseTo(20 / 3, 12)
    expect(framesFor(10, 30)).toBe(300)
    expect(framesFor(0.8, 10)).toBe(8)
    expect(framesFor(0, 30)).toBe(1)
    expect(framesFor(8 / 30, 30)).toBe(8)
    expect(durationFor(0, 300, 30)).toBe(10)
    expect(durationFor(0, 300, 0)).toBe(0)
  })

  it('scales the 720p layout with the frame, never below one half', () => {
    expect(renderScale(1280, 720)).toBe(1)
    expect(renderScale(1920, 1080)).toBe(1.5)
    expect(renderScale(3840, 2160)).toBe(3)
    expect(renderScale(1080, 1920)).toBe(1.5)
    expect(renderScale(160, 90)).toBe(0.5)
    expect(overlayScale(160, 90)).toBe(0.125)
    expect(overlayScale(1920, 1080)).toBe(1.5)
  })

  it('picks H.264 High at the lowest level that holds the size and rate, with Baseline as the fallback', () => {
    expect(codecCandidates('h264', 320, 180, 30)).toEqual(['avc1.640028', 'avc1.42001f', undefined])
    expect(codecCandidates('h264', 1280, 720, 30)).toEqual(['avc1.640028', 'avc1.42001f', undefined])
    expect(codecCandidates('h264', 1280, 720, 60)).toEqual(['avc1.640028', undefined])
    expect(codecCandidates('h264', 1920, 1080, 30)).toEqual(['avc1.640028', undefined])
    expect(codecCandidates('h264', 1920, 1080, 60)).toEqual(['avc1.64002a', undefined])
    expect(codecCandidates('h264', 3840, 2160, 30)).toEqual(['avc1.640033', undefined])
    expect(codecCandidates('h264', 3840, 2160, 60)).toEqual(['avc1.640034', undefined])
    expect(codecCandidates('vp9', 1920, 1080, 30)).toEqual([undefined])
    expect(codecCandidates('av1', 1920, 1080, 30)).toEqual([undefined])
  })

  it('reads sizes, makes safe file names and short durations', () => {
    expect(parseSize('1280x720')).toEqual([1280, 720])
    expect(parseSize(' 320 × 180 ')).toEqual([320, 180])
    expect(parseSize('1280*720')).toBeNull()
    expect(parseSize('x720')).toBeNull()
    expect(safeFileName('gradscape-himmelblau-20261127', 'mp4')).toBe('gradscape-himmelblau-20261127.mp4')
    expect(safeFileName('../a b/c', 'png')).toBe('a-b-c.png')
    expect(safeFileName('///', 'csv')).toBe('gradscape.csv')
    expect(formatDuration(65)).toBe('1:05')
    expect(formatDuration(3725)).toBe('1:02:05')
    expect(formatDuration(NaN)).toBe('–')
  })
})

/** Two optimizers × two starts, three kept points (every 5 steps); run 3 diverges at step 10. */
function input(hidden: number[] = []): DataExportInput {
  const runs = [
    { optimizer: { name: 'adam', lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, amsgrad: false }, init: [-1, 2] as const },
    { optimizer: { name: 'adam', lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, amsgrad: false }, init: [0.5, 0.25] as const },
    { optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9, nesterov: false }, init: [-1, 2] as const },
    { optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9, nesterov: false }, init: [0.5, 0.25] as const },
  ]
  const kept = 3
  const xy = new Float32Array(runs.length * kept * 2)
  const loss = new Float32Array(runs.length * kept)
  for (let r = 0; r < runs.length; r++) {
    for (let j = 0; j < kept; j++) {
      xy[2 * (r * kept + j)] = r + j / 10
      xy[2 * (r * kept + j) + 1] = -r - j / 10
      loss[r * kept + j] = 1 / (1 + r + j)
    }
  }
  loss[3 * kept + 2] = NaN
  xy[2 * (3 * kept + 2)] = Infinity
  return {
    job: { runs, starts: 2, optimizers: 2, kept, received: kept, every: 5, xy, loss, divergedAt: Int32Array.from([-1, -1, -1, 10]) },
    hidden,
    scenario: { landscape: { preset: 'booth' }, steps: 10 },
    generator: 'Gradscape test',
  }
}

describe('trajectories as data', () => {
  it('selects all runs, or those of the optimizers shown in the legend', () => {
    expect(selectedRuns(input(), 'all')).toEqual([0, 1, 2, 3])
    expect(selectedRuns(input([0]), 'shown')).toEqual([2, 3])
    expect(selectedRuns(input([0]), 'all')).toEqual([0, 1, 2, 3])
  })

  it('writes float32 values as the shortest decimals that read back exactly', () => {
    for (const v of [0.1, 1 / 3, 1e-30, 123456.789, -2.5]) {
      const x = Math.fround(v)
      expect(Math.fround(f32(x)!)).toBe(x)
    }
    expect(f32(Math.fround(0.1))).toBe(0.1)
    expect(f32(NaN)).toBeNull()
    expect(f32(Infinity)).toBeNull()
  })

  it('CSV: one row per kept point, one column per hyperparameter (pairs split), diverged_at as a step', () => {
    const csv = trajectoriesCsv(input(), 'all').trimEnd().split('\n')
    expect(csv[0]).toBe('run,optimizer,lr,betas[0],betas[1],eps,amsgrad,momentum,nesterov,init_x,init_y,step,x,y,loss,diverged_at')
    expect(csv).toHaveLength(1 + 4 * 3)
    expect(csv[1]).toBe('0,adam,0.1,0.9,0.999,1e-8,false,,,-1,2,0,0,0,1,')
    expect(csv[2]).toBe('0,adam,0.1,0.9,0.999,1e-8,false,,,-1,2,5,0.1,-0.1,0.5,')
    expect(csv[7]).toBe('2,sgd,0.01,,,,,0.9,false,-1,2,0,2,-2,0.33333334,')
    expect(csv[12]).toBe('3,sgd,0.01,,,,,0.9,false,0.5,0.25,10,inf,-3.2,nan,10')
    expect(hparamColumns(input(), [2, 3]).map((c) => c.name)).toEqual(['lr', 'momentum', 'nesterov'])
    const shown = trajectoriesCsv(input([1]), 'shown')
      .trimEnd()
      .split('\n')
    expect(shown).toHaveLength(1 + 2 * 3)
    expect(shown[0]).toBe('run,optimizer,lr,betas[0],betas[1],eps,amsgrad,init_x,init_y,step,x,y,loss,diverged_at')
  })

  it('JSON: the run output of SCENARIO.md with the scenario alongside; non-finite values are null', () => {
    const doc = JSON.parse(trajectoriesJson(input(), 'all')) as {
      generator: string
      scenario: unknown
      every: number
      values: string
      runs: Array<{
        run: number
        optimizer: Record<string, unknown>
        init: number[]
        trajectory: Array<[number | null, number | null]>
        loss: Array<number | null>
        diverged_at: number | null
      }>
    }
    expect(doc.generator).toBe('Gradscape test')
    expect(doc.scenario).toEqual({ landscape: { preset: 'booth' }, steps: 10 })
    expect(doc.every).toBe(5)
    expect(doc.values).toBe('float32')
    expect(doc.runs).toHaveLength(4)
    expect(doc.runs[0].optimizer).toEqual({ name: 'adam', lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, amsgrad: false })
    expect(doc.runs[1].init).toEqual([0.5, 0.25])
    expect(doc.runs[0].trajectory).toEqual([
      [0, 0],
      [0.1, -0.1],
      [0.2, -0.2],
    ])
    expect(doc.runs[3].trajectory[2]).toEqual([null, -3.2])
    expect(doc.runs[3].loss[2]).toBeNull()
    expect(doc.runs[3].diverged_at).toBe(10)
    expect(doc.runs[0].diverged_at).toBeNull()
    expect((JSON.parse(trajectoriesJson(input([0]), 'shown')) as { runs: Array<{ run: number }> }).runs.map((r) => r.run)).toEqual([2, 3])
  })
})

describe('loss chart as SVG', () => {
  it('draws every shown run, the medians and a legend, with escaped labels', () => {
    const { job } = input()
    const data = { loss: job.loss, runs: 4, starts: 2, kept: 3, received: 3, every: 5 }
    const svg = chartSvg(data, {
      width: 600,
      height: 300,
      colors: ['#ffb020', '#ff4f6d'],
      hidden: [],
      labels: ['Adam <lr>', 'SGD & μ'],
      title: 'Booth',
    })
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="300"')).toBe(true)
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true)
    expect(svg).toContain('Adam &lt;lr&gt;')
    expect(svg).toContain('SGD &amp; μ')
    expect(svg).not.toContain('<lr>')
    expect(svg.match(/<path /g)).toHaveLength(4 + 2) // four runs and two medians
    expect(svg).toContain('log scale')
    const one = chartSvg(data, {
      width: 600,
      height: 300,
      colors: ['#ffb020', '#ff4f6d'],
      hidden: [1],
      labels: ['Adam', 'SGD'],
      title: 'Booth',
    })
    expect(one.match(/<path /g)).toHaveLength(3)
    expect(one).not.toContain('>SGD<')
  })
})

describe('gradscape render arguments', () => {
  const base = ['s.json', '--out', 'v.mp4']
  it('has defaults and reads every option', () => {
    expect(parseRenderArgs(base)).toMatchObject({
      scenario: 's.json',
      out: 'v.mp4',
      frames: 150,
      width: 1280,
      height: 720,
      fps: 30,
      camera: 'fixed',
      codec: 'h264',
      overlays: ALL_OVERLAYS,
    })
    expect(
      parseRenderArgs([
        's.json',
        '--out=v.webm',
        '--frames',
        '8',
        '--size',
        '320x180',
        '--fps',
        '12.5',
        '--camera',
        'orbit',
        '--title',
        'T',
        '--codec',
        'av1',
        '--steps',
        '10:50',
        '--overlays',
        'title,chart',
        '--chromium',
        '/opt/chrome',
      ]),
    ).toEqual({
      scenario: 's.json',
      out: 'v.webm',
      frames: 8,
      width: 320,
      height: 180,
      fps: 12.5,
      camera: 'orbit',
      title: 'T',
      codec: 'av1',
      steps: [10, 50],
      overlays: { title: true, steps: false, legend: false, chart: true },
      chromium: '/opt/chrome',
    })
    expect(parseRenderArgs([...base.slice(0, 1), '--out', 'v.WEBM']).codec).toBe('vp9')
    expect(parseRenderArgs([...base, '--overlays', 'none']).overlays).toEqual(NO_OVERLAYS)
  })

  it.each([
    [[], /needs a scenario file/],
    [['s.json'], /needs --out/],
    [['s.json', '--out', 'v.avi'], /must end in \.mp4 .* or \.webm/],
    [[...base, '--codec', 'vp9'], /vp9 goes in a \.webm file/],
    [[...base, '--codec', 'hevc'], /--codec must be one of h264, vp9, av1/],
    [[...base, '--size', '1281x720'], /even/],
    [[...base, '--size', '99999x10'], /--size must be WIDTHxHEIGHT|--size: width/],
    [[...base, '--size', '8x8'], /--size: width must be/],
    [[...base, '--frames', '0'], /--frames must be a whole number from 1/],
    [[...base, '--frames', '2.5'], /--frames/],
    [[...base, '--fps', '0'], /--fps must be a number from 1 to 120/],
    [[...base, '--camera', 'spin'], /--camera must be fixed or orbit/],
    [[...base, '--steps', '50:10'], /--steps must be FROM:TO/],
    [[...base, '--overlays', 'title,clock'], /--overlays .* got 'clock'/],
    [[...base, '--fps'], /--fps needs a value/],
    [[...base, '--bogus'], /unknown option --bogus/],
    [[...base, 'extra.json'], /unexpected argument 'extra.json'/],
  ] as const)('refuses %j with one clear line (exit 2)', (args, message) => {
    let err: unknown
    try {
      parseRenderArgs(args)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(RenderError)
    expect((err as RenderError).exitCode).toBe(2)
    expect((err as Error).message).toMatch(message)
    expect((err as Error).message).not.toContain('\n')
  })
})
