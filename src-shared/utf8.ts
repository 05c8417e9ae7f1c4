/**
 * Text files (scenarios, sessions) as the user wrote them: UTF-8, with or without a byte-order
 * mark. Editors on Windows add the mark, and JSON.parse refuses it, so it is dropped here. Bytes
 * that are not UTF-8 are refused with their offset instead of being replaced by U+FFFD: a silent
 * replacement would change a label or an expression without a word.
 */

export class TextDecodingError extends Error {
  /** 0-based offset of the first byte that does not start (or continue) a valid UTF-8 sequence. */
  readonly byteOffset: number
  /** 1-based line of that byte. */
  readonly line: number
  constructor(byteOffset: number, line: number, byte: number, truncated: boolean) {
    const hex = `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`
    const what = truncated ? `the text ends inside a character (byte ${hex})` : `byte ${hex}`
    super(`not valid UTF-8 text: ${what} at byte offset ${byteOffset} (line ${line}); save the file as UTF-8`)
    this.name = 'TextDecodingError'
    this.byteOffset = byteOffset
    this.line = line
  }
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true }) // ignoreBOM false: a leading mark is dropped

/** UTF-8 bytes → text, without a leading byte-order mark. Throws TextDecodingError for bytes that are not UTF-8. */
export function decodeUtf8Text(bytes: Uint8Array): string {
  try {
    return fatalDecoder.decode(bytes)
  } catch {
    // The decoder says only that something is wrong; find where, for the message.
    const { offset, truncated } = findInvalidUtf8(bytes) ?? { offset: 0, truncated: false }
    let line = 1
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++
    throw new TextDecodingError(offset, line, bytes[offset], truncated)
  }
}

/**
 * Where `bytes` stops being UTF-8 (by the Encoding Standard's decoder: no overlong forms, no
 * surrogates, nothing above U+10FFFF): the offset of the sequence's first byte, and whether the
 * text merely ends inside it. Null when all of it is valid.
 */
export function findInvalidUtf8(bytes: Uint8Array): { offset: number; truncated: boolean } | null {
  let i = 0
  while (i < bytes.length) {
    const lead = bytes[i]
    if (lead < 0x80) {
      i++
      continue
    }
    let length: number
    let low = 0x80 // range of the second byte, which excludes overlong forms and surrogates
    let high = 0xbf
    if (lead >= 0xc2 && lead <= 0xdf) length = 2
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3
      if (lead === 0xe0) low = 0xa0
      if (lead === 0xed) high = 0x9f
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4
      if (lead === 0xf0) low = 0x90
      if (lead === 0xf4) high = 0x8f
    } else return { offset: i, truncated: false }
    for (let k = 1; k < length; k++) {
      if (i + k >= bytes.length) return { offset: i, truncated: true }
      const b = bytes[i + k]
      if (k === 1 ? b < low || b > high : b < 0x80 || b > 0xbf) return { offset: i, truncated: false }
    }
    i += length
  }
  return null
}
