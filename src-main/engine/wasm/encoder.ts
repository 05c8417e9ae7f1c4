/**
 * A minimal WebAssembly binary encoder: one module, one imported shared memory, imported
 * scalar math functions and one exported function. Only the opcodes the kernel compiler emits
 * are named here (core MVP plus the fixed-width SIMD subset on f32x4); the binary format is
 * sections of LEB128-encoded vectors (WebAssembly Core Specification 2.0, §5).
 */

export type ValType = 'i32' | 'f32' | 'f64' | 'v128'

const VAL_TYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b }

export function uleb(value: number, out: number[]): void {
  let v = value >>> 0
  do {
    let byte = v & 0x7f
    v >>>= 7
    if (v !== 0) byte |= 0x80
    out.push(byte)
  } while (v !== 0)
}

export function sleb(value: number, out: number[]): void {
  let v = value | 0
  for (;;) {
    const byte = v & 0x7f
    v >>= 7
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte)
      return
    }
    out.push(byte | 0x80)
  }
}

const f32Bytes = (v: number): number[] => {
  const view = new DataView(new ArrayBuffer(4))
  view.setFloat32(0, v, true)
  return [0, 1, 2, 3].map((i) => view.getUint8(i))
}

/** Core opcodes by name (the WebAssembly text format's names with the dot dropped). */
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  call: 0x10,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  f32Load: 0x2a,
  i32TruncF32S: 0xa8,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Or: 0x72,
  f32Eq: 0x5b,
  f32Ne: 0x5c,
  f32Lt: 0x5d,
  f32Gt: 0x5e,
  f32Le: 0x5f,
  f32Ge: 0x60,
  f32Abs: 0x8b,
  f32Neg: 0x8c,
  f32Ceil: 0x8d,
  f32Floor: 0x8e,
  f32Trunc: 0x8f,
  f32Sqrt: 0x91,
  f32Add: 0x92,
  f32Sub: 0x93,
  f32Mul: 0x94,
  f32Div: 0x95,
  f32Min: 0x96,
  f32Max: 0x97,
  f32DemoteF64: 0xb6,
  f64PromoteF32: 0xbb,
} as const

/** SIMD opcodes (after the 0xfd prefix). */
export const SIMD = {
  v128Load: 0x00,
  v128Store: 0x0b,
  v128Const: 0x0c,
  i32x4Splat: 0x11,
  f32x4Splat: 0x13,
  f32x4ExtractLane: 0x1f,
  f32x4ReplaceLane: 0x20,
  f32x4Eq: 0x41,
  f32x4Ne: 0x42,
  f32x4Lt: 0x43,
  f32x4Gt: 0x44,
  f32x4Le: 0x45,
  f32x4Ge: 0x46,
  v128Not: 0x4d,
  v128And: 0x4e,
  v128Andnot: 0x4f,
  v128Or: 0x50,
  v128Xor: 0x51,
  v128Bitselect: 0x52,
  v128AnyTrue: 0x53,
  i32x4Eq: 0x37,
  i32x4AllTrue: 0xa3,
  i32x4Shl: 0xab,
  i32x4ShrU: 0xad,
  i32x4Add: 0xae,
  i32x4Sub: 0xb1,
  i32x4TruncSatF32x4S: 0xf8,
  f32x4ConvertI32x4S: 0xfa,
  f32x4Ceil: 0x67,
  f32x4Floor: 0x68,
  f32x4Trunc: 0x69,
  f32x4Abs: 0xe0,
  f32x4Neg: 0xe1,
  f32x4Sqrt: 0xe3,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Div: 0xe7,
  f32x4Min: 0xe8,
  f32x4Max: 0xe9,
} as const

/** A function body under construction: locals by type, then instructions. */
export class FunctionBody {
  readonly code: number[] = []
  private readonly localTypes: ValType[] = []

  constructor(private readonly params: readonly ValType[]) {}

  /** A new local's index. */
  local(type: ValType): number {
    this.localTypes.push(type)
    return this.params.length + this.localTypes.length - 1
  }

  op(code: number, ...immediates: number[]): this {
    this.code.push(code)
    for (const v of immediates) uleb(v, this.code)
    return this
  }

  simd(code: number, ...bytes: number[]): this {
    this.code.push(0xfd)
    uleb(code, this.code)
    this.code.push(...bytes)
    return this
  }

  i32(v: number): this {
    this.code.push(OP.i32Const)
    sleb(v, this.code)
    return this
  }
  f32(v: number): this {
    this.code.push(0x43, ...f32Bytes(v))
    return this
  }
  f32x4(v: number): this {
    return this.simd(SIMD.v128Const, ...f32Bytes(v), ...f32Bytes(v), ...f32Bytes(v), ...f32Bytes(v))
  }
  /** An i32x4 constant, the same in every lane. */
  i32x4(v: number): this {
    const b = [0, 8, 16, 24].map((shift) => (v >>> shift) & 0xff)
    return this.simd(SIMD.v128Const, ...b, ...b, ...b, ...b)
  }
  /** All-ones (true in every lane) or all-zeros mask. */
  mask(on: boolean): this {
    return this.simd(SIMD.v128Const, ...new Array<number>(16).fill(on ? 0xff : 0))
  }
  /** A block type: empty (0x40) or one result. */
  blockType(result?: ValType): this {
    this.code.push(result ? VAL_TYPE[result] : 0x40)
    return this
  }
  /** Memory access immediate: alignment exponent, then the constant offset. */
  memarg(align: number, offset: number): this {
    uleb(align, this.code)
    uleb(offset, this.code)
    return this
  }

  /** The body as the code section encodes it: run-length locals, instructions, `end`. */
  encode(): number[] {
    const runs: Array<[number, ValType]> = []
    for (const t of this.localTypes) {
      const last = runs[runs.length - 1]
      if (last && last[1] === t) last[0]++
      else runs.push([1, t])
    }
    const out: number[] = []
    uleb(runs.length, out)
    for (const [count, t] of runs) {
      uleb(count, out)
      out.push(VAL_TYPE[t])
    }
    // Bodies run to hundreds of kilobytes: concat, as a spread into push() would overflow the stack.
    const instructions = out.concat(this.code, [OP.end])
    const sized: number[] = []
    uleb(instructions.length, sized)
    return sized.concat(instructions)
  }
}

const utf8 = (s: string): number[] => {
  const bytes = [...new TextEncoder().encode(s)]
  const out: number[] = []
  uleb(bytes.length, out)
  return [...out, ...bytes]
}

const section = (id: number, payload: number[]): number[] => {
  const size: number[] = [id]
  uleb(payload.length, size)
  return size.concat(payload)
}

const vector = (items: number[][]): number[] => {
  const count: number[] = []
  uleb(items.length, count)
  return count.concat(...items)
}

const funcType = (params: readonly ValType[], results: readonly ValType[]): number[] => [
  0x60,
  ...vector(params.map((p) => [VAL_TYPE[p]])),
  ...vector(results.map((r) => [VAL_TYPE[r]])),
]

export interface ModuleSpec {
  /** Imported functions `env.<name>`, f64 → f64 or (f64, f64) → f64; called by index in order. */
  readonly imports: ReadonlyArray<{ readonly name: string; readonly arity: 1 | 2 }>
  /** Pages (64 KiB) of the imported shared memory `env.memory`: minimum and maximum. */
  readonly memoryPages: readonly [number, number]
  readonly exportName: string
  readonly params: readonly ValType[]
  readonly body: FunctionBody
}

/** The module's bytes: types, imports (functions, then the shared memory), one function, its export. */
export function encodeModule(spec: ModuleSpec): Uint8Array<ArrayBuffer> {
  const types = [funcType(['f64'], ['f64']), funcType(['f64', 'f64'], ['f64']), funcType(spec.params, [])]
  const importEntries = spec.imports.map((imp) => [...utf8('env'), ...utf8(imp.name), 0x00, imp.arity - 1])
  const limits: number[] = [0x03] // shared, with a maximum
  uleb(spec.memoryPages[0], limits)
  uleb(spec.memoryPages[1], limits)
  importEntries.push([...utf8('env'), ...utf8('memory'), 0x02, ...limits])
  const exportIndex = spec.imports.length
  const exportEntry = [...utf8(spec.exportName), 0x00]
  uleb(exportIndex, exportEntry)
  return Uint8Array.from(
    [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00].concat(
      section(1, vector(types)),
      section(2, vector(importEntries)),
      section(3, vector([[2]])),
      section(7, vector([exportEntry])),
      section(10, vector([spec.body.encode()])),
    ),
  )
}
