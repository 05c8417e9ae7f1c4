/** A banner over the view when start points lie outside the drawn region, with an undoable fix. */
import { setRegion } from '../store/actions'
import { useUi } from '../store/ui-store'
import { fitRegionToStarts, startsOutside } from './region-fit'

export function RegionNotice() {
  const init = useUi((s) => s.scenario.init)
  const region = useUi((s) => s.region)
  const { outside, text } = startsOutside(init, region)
  if (!outside) return null
  return (
    <div className="region-notice" role="status" data-testid="region-notice">
      <span>{text}: their runs are not drawn there.</span>
      <button type="button" className="chip" data-testid="fit-region" onClick={() => setRegion(fitRegionToStarts(init, region))}>
        Fit region to starts
      </button>
    </div>
  )
}
