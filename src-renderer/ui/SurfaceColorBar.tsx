/**
 * The surface's colour bar: the landscape colormap with the loss values of its ticks (the same
 * ticks as the 3-D loss axis, in the same linear or log height scale).
 */
import { useMemo } from 'react'
import { lossTicks } from '../scene/Axes'
import { colormapCss, heightMap } from '../scene/height'
import { useSurface } from '../scene/Scene'
import { formatNumber } from '../store/scenario'
import { useUi } from '../store/ui-store'

export function SurfaceColorBar() {
  const surface = useSurface()
  const scale = useUi((s) => s.view.heightScale)
  const hm = useMemo(() => (surface ? heightMap(surface, scale) : null), [surface, scale])
  if (!hm) return null
  // The axis ticks, plus the surface's minimum at the bottom (values at the ends read exactly).
  const ticks = lossTicks(hm)
  if (!ticks.some((t) => t.u < 0.12)) ticks.push({ value: hm.min, u: 0 })
  return (
    <div
      className="surface-colorbar card"
      data-testid="surface-colorbar"
      title={`Surface colour = loss${hm.log ? ' (log scale)' : ''}; values above the top tick share its colour`}
    >
      <div className="card-title">loss{hm.log ? <span className="muted">log</span> : null}</div>
      <div className="colorbar-body">
        <div className="colorbar-ramp" style={{ background: colormapCss() }} />
        <div className="colorbar-ticks mono">
          {ticks.map((t) => (
            <span key={t.value} style={{ bottom: `${Math.min(1, Math.max(0, t.u)) * 100}%` }}>
              {formatNumber(t.value, 2)}
            </span>
          ))}
        </div>
      </div>
    </div>
  )
}
