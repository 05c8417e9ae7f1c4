/**
 * `run` outputs: JSON (SCENARIO.md), long-format CSV, NumPy .npz and Parquet, all written from one
 * column-wise result (./result.ts) in streamed pieces. The format follows --format or the file's
 * extension.
 */
import { crc32 } from 'node:zlib'
import { npzChunks } from '../../../src-shared/npy'
import { writeCsv } from './csv'
import { writeJson } from './json'
import { npzArrays } from './npz'
import { writeParquet } from './parquet'
import type { ColumnarResult } from './result'
import type { Sink } from './sink'

export const FORMATS = ['json', 'csv', 'npz', 'parquet'] as const
export type OutputFormat = (typeof FORMATS)[number]

/** The format a file name implies (JSON unless it ends in .csv, .npz or .parquet/.pq). */
export function formatOf(path: string): OutputFormat {
  const ext = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase()
  return ext === 'csv' ? 'csv' : ext === 'npz' ? 'npz' : ext === 'parquet' || ext === 'pq' ? 'parquet' : 'json'
}

/** Write `result` to `sink` as `format`; `scenarioJson` is the scenario file, carried by the binary formats. */
export function writeResult(result: ColumnarResult, format: OutputFormat, scenarioJson: string, sink: Sink): void {
  const write = (piece: string | Uint8Array) => sink.write(piece)
  switch (format) {
    case 'json':
      writeJson(result, write)
      break
    case 'csv':
      writeCsv(result, write)
      break
    case 'npz':
      for (const piece of npzChunks(npzArrays(result, scenarioJson), { crc32 })) write(piece)
      break
    case 'parquet':
      writeParquet(result, scenarioJson, write)
      break
  }
}

export { collectResult, type ColumnarResult } from './result'
export { memoryProblem } from './memory'
export { openOutput, OutputError, type Sink } from './sink'
