/**
 * Trajectories as a NumPy archive (`np.load(...)`), written by the shared .npy/.npz writer
 * (src-shared/npy.ts) as the CLI's `--out result.npz` is: trajectory [runs, points, 2] and loss
 * [runs, points] as the float32 numbers the renderer received, step, init, diverged_at (-1 =
 * never), optimizer, run (indices into the job's runs), one array per hyperparameter (NaN where a
 * run's optimizer has none), and the scenario as JSON text.
 */
import { type NpyArray, npzChunks, stringArray, typedArray } from '../../src-shared/npy'
import { type DataExportInput, type RunSelection, selectedRuns } from './data'

function hparamArrays(input: DataExportInput, runs: readonly number[]): NpyArray[] {
  const keys = new Set<string>()
  for (const r of runs) for (const k of Object.keys(input.job.runs[r].optimizer)) if (k !== 'name') keys.add(k)
  const reserved = new Set(['trajectory', 'loss', 'step', 'init', 'diverged_at', 'optimizer', 'run', 'scenario'])
  return [...keys].map((key) => {
    const name = reserved.has(key) ? `hparam_${key}` : key
    const values = runs.map((r) => (input.job.runs[r].optimizer as Readonly<Record<string, unknown>>)[key])
    if (values.every((v) => typeof v === 'boolean'))
      return typedArray(
        name,
        '|b1',
        [runs.length],
        Uint8Array.from(values, (v) => (v ? 1 : 0)),
      )
    if (values.some(Array.isArray)) {
      const a = new Float64Array(2 * runs.length).fill(NaN)
      values.forEach((v, i) => {
        if (Array.isArray(v)) {
          a[2 * i] = Number(v[0])
          a[2 * i + 1] = Number(v[1])
        }
      })
      return typedArray(name, '<f8', [runs.length, 2], a)
    }
    return typedArray(
      name,
      '<f8',
      [runs.length],
      Float64Array.from(values, (v) => (v === undefined ? NaN : Number(v))),
    )
  })
}

/** The .npz file as Blob parts (the arrays are copied once, into the selected runs' layout). */
export function trajectoriesNpz(input: DataExportInput, which: RunSelection): Uint8Array[] {
  const { job } = input
  const runs = selectedRuns(input, which)
  const n = Math.min(job.received, job.kept)
  const xy = new Float32Array(runs.length * n * 2)
  const loss = new Float32Array(runs.length * n)
  runs.forEach((r, i) => {
    xy.set(job.xy.subarray(2 * r * job.kept, 2 * (r * job.kept + n)), 2 * i * n)
    loss.set(job.loss.subarray(r * job.kept, r * job.kept + n), i * n)
  })
  const init = new Float64Array(2 * runs.length)
  runs.forEach((r, i) => {
    init[2 * i] = job.runs[r].init[0]
    init[2 * i + 1] = job.runs[r].init[1]
  })
  const arrays: NpyArray[] = [
    typedArray('trajectory', '<f4', [runs.length, n, 2], xy),
    typedArray('loss', '<f4', [runs.length, n], loss),
    typedArray(
      'step',
      '<i8',
      [n],
      BigInt64Array.from({ length: n }, (_, k) => BigInt(k * job.every)),
    ),
    typedArray('init', '<f8', [runs.length, 2], init),
    typedArray(
      'diverged_at',
      '<i8',
      [runs.length],
      BigInt64Array.from(runs, (r) => BigInt(job.divergedAt ? job.divergedAt[r] : -1)),
    ),
    stringArray(
      'optimizer',
      runs.map((r) => job.runs[r].optimizer.name),
    ),
    typedArray(
      'run',
      '<i8',
      [runs.length],
      BigInt64Array.from(runs, (r) => BigInt(r)),
    ),
    ...hparamArrays(input, runs),
    stringArray('scenario', [JSON.stringify(input.scenario)], []),
  ]
  return [...npzChunks(arrays)]
}
