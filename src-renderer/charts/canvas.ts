/** Canvas plumbing shared by the 2-D charts: backing stores at the device pixel ratio, drawing in CSS pixels. */

/**
 * Size each canvas's backing store to `el`'s CSS size at the device pixel ratio (only when it
 * changed: resizing clears a canvas). Returns that CSS size.
 */
export function fitCanvases(el: HTMLElement, canvases: readonly HTMLCanvasElement[]): { width: number; height: number } {
  const width = el.clientWidth
  const height = el.clientHeight
  const dpr = window.devicePixelRatio || 1
  for (const cv of canvases) {
    if (cv.width !== Math.round(width * dpr) || cv.height !== Math.round(height * dpr)) {
      cv.width = Math.round(width * dpr)
      cv.height = Math.round(height * dpr)
    }
  }
  return { width, height }
}

/** The canvas's 2-D context set to draw in CSS pixels, cleared over width × height when given; null without one. */
export function cssContext(canvas: HTMLCanvasElement, clear?: { width: number; height: number }): CanvasRenderingContext2D | null {
  const ctx = canvas.getContext('2d')
  if (!ctx) return null
  const dpr = window.devicePixelRatio || 1
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
  if (clear) ctx.clearRect(0, 0, clear.width, clear.height)
  return ctx
}
