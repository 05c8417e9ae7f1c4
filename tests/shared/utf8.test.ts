/** @vitest-environment node */
import { describe, expect, it } from 'vitest'
import { decodeUtf8Text, findInvalidUtf8, TextDecodingError } from '../../src-shared/utf8'

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'utf8')] : p)))

function refused(input: Uint8Array): TextDecodingError {
  let caught: unknown
  try {
    decodeUtf8Text(input)
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(TextDecodingError)
  return caught as TextDecodingError
}

describe('decodeUtf8Text', () => {
  it('decodes UTF-8, multi-byte characters included', () => {
    const text = '{"label": "Müller – 学习率 🚀"}'
    expect(decodeUtf8Text(bytes(text))).toBe(text)
  })

  it('drops a leading byte-order mark, so JSON.parse accepts a file an editor saved with one', () => {
    const withMark = bytes([0xef, 0xbb, 0xbf], '{"steps": 5}')
    expect(() => JSON.parse(Buffer.from(withMark).toString('utf8'))).toThrow() // what reading with 'utf8' gave
    expect(JSON.parse(decodeUtf8Text(withMark))).toEqual({ steps: 5 })
  })

  it('refuses invalid bytes with their offset and line instead of replacing them', () => {
    const input = bytes('{"a": 1,\n "label": "caf', [0xe9], '"}') // Latin-1 é
    expect(Buffer.from(input).toString('utf8')).toContain('\uFFFD') // the silent replacement of before
    const e = refused(input)
    expect(e.byteOffset).toBe(23)
    expect(e.line).toBe(2)
    expect(e.message).toMatch(/not valid UTF-8.*byte 0xE9 at byte offset 23 \(line 2\)/)
  })

  it('says when the text ends inside a character', () => {
    const e = refused(bytes('ab', [0xe2, 0x82]))
    expect(e.byteOffset).toBe(2)
    expect(e.message).toMatch(/ends inside a character/)
  })

  it.each([
    ['a lone continuation byte', [0x80], 0],
    ['an overlong slash', [0xc0, 0xaf], 0],
    ['an overlong three-byte form', [0xe0, 0x80, 0xaf], 0],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80], 0],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a bad third byte', [0xe2, 0x82, 0x41], 0],
    ['0xFF', [0xff], 0],
  ])('finds %s', (_name, seq, offset) => {
    expect(findInvalidUtf8(bytes('x', seq))?.offset).toBe(offset + 1)
    expect(refused(bytes('x', seq)).byteOffset).toBe(offset + 1)
  })

  it('agrees with the platform decoder on which inputs are valid (random bytes)', () => {
    let seed = 12345
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24
    const fatal = new TextDecoder('utf-8', { fatal: true })
    for (let n = 0; n < 2000; n++) {
      const input = Uint8Array.from({ length: 1 + (n % 7) }, () => (next() & 1 ? next() : 0x80 | (next() & 0x3f)))
      let valid = true
      try {
        fatal.decode(input)
      } catch {
        valid = false
      }
      expect(findInvalidUtf8(input) === null, Buffer.from(input).toString('hex')).toBe(valid)
    }
  })
})
