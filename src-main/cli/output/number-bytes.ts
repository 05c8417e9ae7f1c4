/**
 * Numbers written as ASCII bytes straight into a caller's buffer, byte for byte what `String(x)`
 * (writeNumber) and `JSON.stringify(x)` (writeJsonNumber) give: the shortest digits that read back
 * as x, the closest of them to x (ECMAScript Number::toString).
 *
 * Why not String(x): a string per number (and TypedArray#join, which is no faster) is most of the
 * cost of a 10⁷-point JSON or CSV file. Here the digits come from exact-enough arithmetic on
 * doubles: x·10^k as a sum of three doubles (Dekker's exact product with a double-double power of
 * ten), which pins the 17-digit integer part and places the rounding interval to within 10⁻¹⁴ of a
 * digit. Every decision that lands within MARGIN of a boundary (an interval end, a tie between two
 * candidates, a fraction next to an integer) is not guessed: the number is formatted by String(x)
 * instead, as are non-finite numbers, subnormals and magnitudes past 1e±280. So correctness never
 * rests on the fast path's error analysis being tight; only speed does (the fallback is rare:
 * about 1 number in 10⁸ away from the listed cases).
 */

/** Longest text either writer produces for one number ("-2.2250738585072014e-308" is 24). */
export const MAX_NUMBER_BYTES = 25

/** Distance to a boundary (in units of the 17th digit) below which String(x) decides. The
 * arithmetic's error is under 10⁻¹⁴ of a unit; this leaves five orders of magnitude of room. */
const MARGIN = 1e-9

const K_MIN = -300
const K_MAX = 300
/** 10^k ≈ P10_HI[k - K_MIN] + P10_LO[k - K_MIN] to about 2⁻¹⁰⁶ relative; HI split for Dekker's product. */
const P10_HI = new Float64Array(K_MAX - K_MIN + 1)
const P10_LO = new Float64Array(K_MAX - K_MIN + 1)
const P10_HI_H = new Float64Array(K_MAX - K_MIN + 1)
const P10_HI_L = new Float64Array(K_MAX - K_MIN + 1)

/** 2^e as a double for an exponent of any size that a normal double allows. */
const pow2 = (e: number): number => 2 ** Math.trunc(e / 2) * 2 ** (e - Math.trunc(e / 2))

// Exact powers of ten from BigInt, once at load (about a millisecond).
for (let k = K_MIN; k <= K_MAX; k++) {
  let hi: number
  let lo: number
  if (k >= 0) {
    const big = 10n ** BigInt(k)
    hi = Number(big)
    lo = Number(big - BigInt(hi))
  } else {
    // 2^S / 10^-k truncated to ~125 bits, then scaled back by 2^-S (exact: powers of two).
    const den = 10n ** BigInt(-k)
    const S = Math.ceil(-k * Math.log2(10)) + 125
    const q = (1n << BigInt(S)) / den
    const qHi = Number(q)
    hi = qHi * pow2(-S)
    lo = Number(q - BigInt(qHi)) * pow2(-S)
  }
  const i = k - K_MIN
  P10_HI[i] = hi
  P10_LO[i] = lo
  const c = 134217729 * hi // Veltkamp split: 2^27 + 1
  const h = c - (c - hi)
  P10_HI_H[i] = h
  P10_HI_L[i] = hi - h
}

/** 2^e for the exponents writePositive needs (|x| within 1e±280, less 53). */
const POW2_MIN = -1024
const POW2 = Float64Array.from({ length: 2048 }, (_, i) => pow2(i + POW2_MIN))

const LOG10_2 = 0.30102999566398114
const bits = new Float64Array(1)
const words = new Uint32Array(bits.buffer)
/** Index of the high word of a double in `words` (platform byte order). */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0

/** Scratch for the 17 digits of the chosen decimal. */
const digits = new Uint8Array(17)
/** Tens and ones digits of 0 … 99. */
const TENS = Uint8Array.from({ length: 100 }, (_, i) => Math.floor(i / 10))
const ONES = Uint8Array.from({ length: 100 }, (_, i) => i % 10)

const ZERO = 48

/** Write the decimal digits of a non-negative integer below 2^53; returns the new end. */
function writeInteger(buf: Uint8Array, pos: number, v: number): number {
  let len = 1
  for (let t = v; t >= 10; len++) t = Math.floor(t / 10)
  const end = pos + len
  for (let at = end - 1; at >= pos; at--) {
    const q = Math.floor(v / 10)
    buf[at] = ZERO + (v - q * 10)
    v = q
  }
  return end
}

const POW10_INT = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]

/** Whether h·10^8 + l (with `zeros` trailing zeros) without those zeros is even. */
function endsEven(h: number, l: number, zeros: number): boolean {
  const digit = zeros < 8 ? l / POW10_INT[zeros] : h / POW10_INT[zeros - 8]
  return (digit & 1) === 0
}

/** Trailing decimal zeros of a positive integer below 2^31. */
function trailingZeros(v: number): number {
  let n = 0
  v |= 0
  while (v % 10 === 0) {
    v = (v / 10) | 0
    n++
  }
  return n
}

/**
 * The shortest round-trip digits of a finite positive normal x in [1e-280, 1e280], written from
 * `pos`; returns the new end, or -1 when a decision is too close to call (the caller uses String).
 */
export function writePositive(buf: Uint8Array, pos: number, x: number): number {
  bits[0] = x
  const high = words[HIGH]
  const e2 = ((high >>> 20) & 0x7ff) - 1023 // x in [2^e2, 2^(e2+1))
  const powerOfTwo = (high & 0xfffff) === 0 && words[1 - HIGH] === 0
  // k such that x·10^k lies in [10^16, 10^17): estimated, then corrected once or twice.
  let k = 16 - Math.floor(e2 * LOG10_2)
  // The estimate is one too large for about a tenth of x (e.g. [0.1, 0.125)): a rounded product
  // tells, and saves the exact one a second pass. Near 10^17 the loop below still decides.
  if (k >= K_MIN && k <= K_MAX && x * P10_HI[k - K_MIN] >= 1.0000001e17) k--
  let t1 = 0
  let s = 0
  let hi9 = 0
  for (let tries = 0; ; tries++) {
    if (tries === 3 || k < K_MIN || k > K_MAX) return -1
    const i = k - K_MIN
    // x·HI = t1 + t2 exactly (Dekker); x·LO rounded is far below the digits in question.
    const bh = P10_HI_H[i]
    const bl = P10_HI_L[i]
    const c = 134217729 * x
    const ah = c - (c - x)
    const al = x - ah
    t1 = x * P10_HI[i]
    const t2 = ah * bh - t1 + ah * bl + al * bh + al * bl
    s = t2 + x * P10_LO[i]
    hi9 = Math.floor(t1 / 1e8)
    if (hi9 < 1e8) k++
    else if (hi9 >= 1e9) k--
    else break
  }
  // T = x·10^k = t1 + s: t1 is an integer (≥ 2^53), |s| < 30. Integer part as hi9·10^8 + lo8.
  let lo8 = t1 - hi9 * 1e8 // exact: an integer below 2^27 between doubles that are integers
  const whole = Math.floor(s)
  const f = s - whole
  lo8 += whole
  while (lo8 < 0) {
    lo8 += 1e8
    hi9--
  }
  while (lo8 >= 1e8) {
    lo8 -= 1e8
    hi9++
  }
  // Powers of ten 0 … 22 are exact doubles (LO = 0): then s = t2 exactly and a zero fraction is exact.
  const exact = k >= 0 && k <= 22
  // A zero fraction is known exactly only on that path (s an integer); otherwise it must be clear of 0 and 1.
  if (!(exact && s === whole) && !(f > MARGIN && f < 1 - MARGIN)) return -1
  if (hi9 < 1e8 || hi9 >= 1e9) return -1
  // Half the gap to the neighbouring doubles, in units of T's last digit (0.55 … 11.1).
  const w = POW2[e2 - 53 - POW2_MIN] * P10_HI[k - K_MIN]
  const lower = f - (powerOfTwo ? w / 2 : w)
  const upper = f + w
  // Integer offsets c from the integer part that read back as x: ceil(lower) … floor(upper).
  const cLo = Math.ceil(lower) | 0
  const cHi = Math.floor(upper) | 0
  if (cLo - lower < MARGIN || lower - (cLo - 1) < MARGIN) return -1
  if (upper - cHi < MARGIN || cHi + 1 - upper < MARGIN) return -1
  // Small integers from here on: int32 arithmetic (a double's % is a library call).
  const hiI = hi9 | 0
  const loI = lo8 | 0
  // Prefer most trailing zeros (fewest digits), then the closest to T.
  const r = loI % 10
  let best = 0
  let bestZeros = -1
  let bestDistance = Infinity
  for (let c = cLo + ((((-r - cLo) % 10) + 10) % 10); c <= cHi; c += 10) {
    let h = hiI
    let l = (loI + c) | 0
    if (l < 0) {
      l += 1e8
      h--
    } else if (l >= 1e8) {
      l -= 1e8
      h++
    }
    const zeros = l === 0 ? 8 + trailingZeros(h) : trailingZeros(l)
    const distance = Math.abs(c - f)
    if (zeros === bestZeros) {
      if (Math.abs(distance - bestDistance) < MARGIN) {
        // Equidistant multiples of ten: f is 0 (their midpoint is an integer), known exactly only
        // when s is; then the spec takes the one whose shortest digits end even.
        if (!(exact && s === whole && distance === bestDistance)) return -1
        if (!endsEven(h, l, zeros)) continue
      } else if (distance > bestDistance) continue
    } else if (zeros < bestZeros) continue
    best = c
    bestZeros = zeros
    bestDistance = distance
  }
  if (bestZeros < 0) {
    // No multiple of ten: all 17 digits, the integer nearest T within the interval.
    if (cHi < cLo) return -1
    if (Math.abs(f - 0.5) >= MARGIN) best = Math.min(cHi, Math.max(cLo, f < 0.5 ? 0 : 1))
    // An exact tie (f is exact for these s on the exact path): the even one.
    else if (exact && (s >= 0 || s <= -0.5) && f === 0.5 && cLo <= 0 && cHi >= 1) best = loI % 2 === 0 ? 0 : 1
    else return -1
  }
  let h = hiI
  let l = (loI + best) | 0
  if (l < 0) {
    l += 1e8
    h--
  } else if (l >= 1e8) {
    l -= 1e8
    h++
  }
  // ECMAScript's n: x = 0.d1d2… × 10^n.
  let n = 17 - k
  let nd: number
  if (h >= 1e9) {
    digits[0] = 1
    nd = 1
    n++
  } else {
    // Two digits per division: h is 9 digits, l 8.
    for (let j = 15; j >= 9; j -= 2) {
      const q = (l / 100) | 0
      const r = l - q * 100
      digits[j] = TENS[r]
      digits[j + 1] = ONES[r]
      l = q
    }
    for (let j = 7; j >= 1; j -= 2) {
      const q = (h / 100) | 0
      const r = h - q * 100
      digits[j] = TENS[r]
      digits[j + 1] = ONES[r]
      h = q
    }
    digits[0] = h
    nd = bestZeros > 0 ? 17 - bestZeros : 17
  }
  return layout(buf, pos, nd, n)
}

/** `digits[0 … nd)` with the decimal point n places in, as Number::toString lays it out. */
function layout(buf: Uint8Array, pos: number, nd: number, n: number): number {
  if (nd <= n && n <= 21) {
    for (let j = 0; j < nd; j++) buf[pos++] = ZERO + digits[j]
    for (let j = nd; j < n; j++) buf[pos++] = ZERO
  } else if (0 < n && n <= 21) {
    for (let j = 0; j < n; j++) buf[pos++] = ZERO + digits[j]
    buf[pos++] = 46 // .
    for (let j = n; j < nd; j++) buf[pos++] = ZERO + digits[j]
  } else if (-6 < n && n <= 0) {
    buf[pos++] = ZERO
    buf[pos++] = 46
    for (let j = n; j < 0; j++) buf[pos++] = ZERO
    for (let j = 0; j < nd; j++) buf[pos++] = ZERO + digits[j]
  } else {
    buf[pos++] = ZERO + digits[0]
    if (nd > 1) {
      buf[pos++] = 46
      for (let j = 1; j < nd; j++) buf[pos++] = ZERO + digits[j]
    }
    buf[pos++] = 101 // e
    buf[pos++] = n - 1 < 0 ? 45 : 43 // - or +
    pos = writeInteger(buf, pos, Math.abs(n - 1))
  }
  return pos
}

/** Write `text` (ASCII) from `pos`; returns the new end. */
export function writeAscii(buf: Uint8Array, pos: number, text: string): number {
  for (let j = 0; j < text.length; j++) buf[pos++] = text.charCodeAt(j)
  return pos
}

/**
 * `String(x)` as bytes from `pos` (NaN and ±Infinity by name, as CSV writes them); returns the new
 * end. `buf` needs MAX_NUMBER_BYTES free from `pos`.
 */
export function writeNumber(buf: Uint8Array, pos: number, x: number): number {
  if (x === 0) {
    buf[pos] = ZERO // -0 too: String(-0) is "0"
    return pos + 1
  }
  const negative = x < 0
  const a = negative ? -x : x
  if (a < 9007199254740992 && Math.floor(a) === a) {
    if (negative) buf[pos++] = 45
    return writeInteger(buf, pos, a)
  }
  if (a >= 1e-280 && a <= 1e280) {
    const end = writePositive(buf, negative ? pos + 1 : pos, a)
    if (end >= 0) {
      if (negative) buf[pos] = 45
      return end
    }
  }
  return writeAscii(buf, pos, String(x))
}

/** `JSON.stringify(x)` as bytes: writeNumber, but null for NaN and ±Infinity. */
export function writeJsonNumber(buf: Uint8Array, pos: number, x: number): number {
  if (x - x !== 0) {
    buf[pos] = 110 // n
    buf[pos + 1] = 117 // u
    buf[pos + 2] = 108 // l
    buf[pos + 3] = 108 // l
    return pos + 4
  }
  return writeNumber(buf, pos, x)
}
