/**
 * Gradscape's headless command line (shared/SCENARIO.md):
 *
 *   gradscape run SCENARIO.json --out RESULT.json|.csv|.npz|.parquet [--format json|csv|npz|parquet]
 *   gradscape render SCENARIO.json --out FILE.mp4|FILE.webm [...]   (./render.ts)
 *   gradscape presets | optimizers
 *
 * Errors print one line naming the field and exit non-zero; nothing is written unless the
 * whole result is (the output goes to a temporary file, probed before the run and renamed at
 * the end: ./output/sink.ts).
 */
import { readFileSync } from 'node:fs'
import { PRESETS } from '../../src-shared/landscape'
import { OPTIMIZERS } from '../../src-shared/optim'
import { checkWholeResultFits, parseScenario, parseScenarioText, ScenarioError } from '../../src-shared/scenario'
import type { BackendMode } from '../engine/float32'
import { optimizersSourceCommand } from './optimizer-source'
import { describeSchedules } from '../../src-shared/schedule'
import { checkNesting } from './nesting'
import { collectResult, FORMATS, formatOf, memoryProblem, openOutput, OutputError, type OutputFormat, writeResult } from './output'
import { RENDER_USAGE, renderCommand } from './render'
import { optimiseWasmFromStart } from '../engine/wasm/v8-flags'
import { startPool } from '../engine/wasm/pool'
import { isObject } from '../../src-shared/problem'
import { isNetworkScenario } from '../../src-shared/network/scenario'
import { prepareNetworkRun } from './network'

const USAGE = `usage:
  gradscape run SCENARIO.json --out RESULT.json [--format json|csv|npz|parquet] [--backend MODE]
      the format follows the extension unless --format says (.csv, .npz for NumPy, .parquet)
      MODE (for "precision": "float32"): gpu (automatic: GPU.js on a GPU, else wasm), wasm
      (Gradscape's WebAssembly SIMD kernel), or a GPU.js mode: webgpu, headlessgl, webgl2,
      webgl, webasm, cpu
${RENDER_USAGE}
  gradscape presets        list the named landscapes
  gradscape optimizers     list optimizers and their hyperparameters (torch names, defaults)
  gradscape optimizers --source NAME   print NAME's update rule as the float64 loop the engine runs
  gradscape schedules      list the learning-rate schedules (optimizer "schedule": torch.optim.lr_scheduler names, defaults)`

export class UsageError extends Error {}

const BACKENDS: readonly BackendMode[] = ['gpu', 'webgpu', 'headlessgl', 'webgl2', 'webgl', 'webasm', 'wasm', 'cpu']

interface RunArgs {
  scenario: string
  out: string
  format: OutputFormat
  backend: BackendMode
}

export function parseRunArgs(args: readonly string[]): RunArgs {
  let scenario: string | undefined
  let out: string | undefined
  let format: OutputFormat | undefined
  let backend: BackendMode = 'gpu'
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    const value = () => {
      const v = args[++i]
      if (v === undefined) throw new UsageError(`${a} needs a value`)
      return v
    }
    if (a === '--out' || a === '-o') out = value()
    else if (a.startsWith('--out=')) out = a.slice(6)
    else if (a === '--format' || a.startsWith('--format=')) {
      const f = a === '--format' ? value() : a.slice(9)
      if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${f}'`)
      format = f as OutputFormat
    } else if (a === '--backend' || a.startsWith('--backend=')) {
      const b = a === '--backend' ? value() : a.slice(10)
      if (!BACKENDS.includes(b as BackendMode)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got '${b}'`)
      backend = b as BackendMode
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`)
    else if (scenario === undefined) scenario = a
    else throw new UsageError(`unexpected argument '${a}'`)
  }
  if (!scenario) throw new UsageError('run needs a scenario file')
  if (!out) throw new UsageError('run needs --out RESULT.json')
  format ??= formatOf(out)
  return { scenario, out, format, backend }
}

function readScenarioFile(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new UsageError(
      `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message}`,
    )
  }
}

/** Parse the scenario file; its JSON, compact, goes into the binary outputs. */
function parseScenarioFile(text: string): { scenario: ReturnType<typeof parseScenario>; json: string } {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    parseScenarioText(text) // throws the parser's own "not valid JSON" error
  }
  checkNesting(doc)
  // The kernel's worker threads start (≈ 50 ms each) while the scenario is parsed, not at the first launch.
  if (isObject(doc) && doc.precision === 'float32') startPool()
  return { scenario: parseScenario(doc), json: JSON.stringify(doc) }
}

async function runCommand(args: readonly string[]): Promise<void> {
  const { scenario: path, out, format, backend } = parseRunArgs(args)
  const text = readScenarioFile(path)
  if (runNetworkIfNetwork(text, format, out)) return
  const { scenario, json } = parseScenarioFile(text)
  checkWholeResultFits(scenario)
  const tooBig = memoryProblem(scenario)
  if (tooBig) throw new ScenarioError('record.every', tooBig)
  const sink = openOutput(out) // before the run: an unwritable --out is reported at once
  let runs: number
  let backends: string[]
  let diverged = 0
  try {
    const result = await collectResult(scenario, { backend })
    writeResult(result, format, json, sink)
    sink.commit()
    runs = result.runs
    backends = result.parts.map((p) => p.backend)
    for (const p of result.parts) for (const d of p.diverged) if (d >= 0) diverged++
  } catch (err) {
    sink.abort()
    throw err
  }
  const paths = [...new Set(backends)].join(', ')
  process.stderr.write(
    `${runs} run${runs === 1 ? '' : 's'} × ${scenario.steps} steps (${paths}) → ${out}` +
      (diverged ? ` (${diverged} diverged; see diverged_at)` : '') +
      '\n',
  )
}

/** A network landscape (shared/NETWORKS.md) runs on its own float64 path (./network.ts). */
function runNetworkIfNetwork(text: string, format: OutputFormat, out: string): boolean {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    return false // parseScenarioFile reports the syntax error
  }
  if (!isNetworkScenario(doc)) return false
  checkNesting(doc)
  const run = prepareNetworkRun(doc, format)
  const sink = openOutput(out)
  try {
    const line = run(sink)
    sink.commit()
    process.stderr.write(`${line} → ${out}\n`)
  } catch (err) {
    sink.abort()
    throw err
  }
  return true
}

function listPresets(): void {
  for (const p of PRESETS) process.stdout.write(`${p.id.padEnd(26)} ${p.expr}\n${''.padEnd(26)} ${p.description}\n`)
}

function listOptimizers(): void {
  for (const o of OPTIMIZERS) {
    const hp = Object.entries(o.hparams)
      .map(([k, s]) => `${k}=${JSON.stringify(s.default)}`)
      .join(', ')
    process.stdout.write(`${o.name.padEnd(9)} ${hp}\n${''.padEnd(9)} ${o.rule}\n`)
  }
}

/** Allocation failures V8 reports as catchable errors (typed arrays, strings, wasm memory). */
const isOutOfMemory = (err: unknown): boolean =>
  (err instanceof RangeError || (err as Error)?.name === 'RangeError' || err instanceof WebAssembly.RuntimeError) &&
  /Array buffer allocation|Invalid typed array length|Invalid array length|Invalid string length|allocation failed|Out of memory|could not allocate memory/i.test(
    (err as Error).message,
  )

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'run':
        await runCommand(rest)
        return 0
      case 'render':
        return await renderCommand(rest)
      case 'presets':
        listPresets()
        return 0
      case 'optimizers':
        if (rest.length === 0) {
          listOptimizers()
          return 0
        }
        process.stdout.write(optimizersSourceCommand(rest, (m) => new UsageError(m)) + '\n')
        return 0
      case 'schedules':
        process.stdout.write(describeSchedules() + '\n')
        return 0
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(USAGE + '\n')
        return command === undefined ? 2 : 0
      default:
        throw new UsageError(`unknown command '${command}'`)
    }
  } catch (err) {
    if (err instanceof ScenarioError) {
      process.stderr.write(`error: ${err.message}\n`)
      return 1
    }
    if (err instanceof OutputError) {
      process.stderr.write(`error: ${err.message}\n`)
      return 2
    }
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n${command === 'run' ? '' : USAGE + '\n'}`)
      return 2
    }
    if (isOutOfMemory(err)) {
      process.stderr.write('error: not enough memory for this scenario: record fewer points (record.every) or use fewer runs\n')
      return 1
    }
    process.stderr.write(`internal error: ${(err as Error).message ?? String(err)}\n`)
    if (process.env.GRADSCAPE_DEBUG) process.stderr.write(`${(err as Error).stack}\n`)
    return 70
  }
}

// `gradscape presets | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0)
  throw err
})
optimiseWasmFromStart()
main(process.argv.slice(2)).then((code) => {
  // GPU.js's worker pool keeps the event loop alive: exit explicitly once output is flushed.
  process.exitCode = code
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)))
})
