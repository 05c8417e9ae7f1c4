/**
 * `npm run web [-- --port N] [--host ADDR] [--no-build]`: build the renderer if it is missing or
 * older than its sources, then serve Gradscape to any browser at http://127.0.0.1:5178/.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { version } from '../../package.json'
import { spawnNodeWorker } from '../engine/node-worker'
import { createHost } from '../host/host'
import { buildRenderer, rendererIsStale } from './renderer-build'
import { RENDERER_DIR, startWebServer } from './server'

const root = fileURLToPath(new URL('../..', import.meta.url))

interface Args {
  port: number
  host: string
  build: boolean
}

function usage(problem?: string): never {
  if (problem) console.error(`error: ${problem}`)
  console.error('usage: npm run web -- [--port N (default 5178, 0 = any free)] [--host ADDR (default 127.0.0.1)] [--no-build]')
  process.exit(problem ? 2 : 0)
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { port: 5178, host: '127.0.0.1', build: true }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = (name: string) => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i]
      if (v === undefined) usage(`${name} needs a value`)
      return v
    }
    if (a === '--help' || a === '-h') usage()
    else if (a === '--port' || a.startsWith('--port=')) {
      const v = value('--port')
      const n = Number(v)
      if (!/^\d+$/.test(v) || n > 65535) usage(`--port must be a port number, got ${JSON.stringify(v)}`)
      args.port = n
    } else if (a === '--host' || a.startsWith('--host=')) args.host = value('--host')
    else if (a === '--no-build') args.build = false
    else usage(`unknown argument ${JSON.stringify(a)}`)
  }
  return args
}

function buildIfNeeded(): void {
  if (!rendererIsStale(root, RENDERER_DIR)) return
  console.log('Building the renderer (electron-vite build)…')
  if (!buildRenderer(root)) {
    console.error('error: the build failed')
    process.exit(1)
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  if (args.build) buildIfNeeded()
  else if (!existsSync(join(root, RENDERER_DIR, 'index.html')))
    usage(`${RENDERER_DIR}/index.html is missing: build first or drop --no-build`)
  const server = await startWebServer({
    rootDir: join(root, RENDERER_DIR),
    port: args.port,
    host: args.host,
    createApi: () => createHost({ host: 'web', version, spawnWorker: spawnNodeWorker }),
    log: (line) => console.log(`[web] ${line}`),
  }).catch((err: NodeJS.ErrnoException) => {
    console.error(err.code === 'EADDRINUSE' ? `error: port ${args.port} is in use (try --port)` : `error: ${err.message}`)
    process.exit(1)
  })
  console.log(`Gradscape web host: ${server.url}`)
  if (args.host !== '127.0.0.1' && args.host !== 'localhost' && args.host !== '::1') {
    console.log(`warning: bound to ${args.host}; anyone who can reach it can run jobs on this machine`)
  }
  const stop = () => {
    void server.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

void main()
