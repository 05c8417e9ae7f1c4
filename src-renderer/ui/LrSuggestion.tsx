/**
 * Beside an optimizer's lr: the current landscape's suggested rate as a chip to apply on request
 * (switching landscape never changes the user's rates), or, when the rate is the suggestion, a
 * note saying so and naming torch's default.
 */
import type { PresetInfo } from '../../src-shared/api'
import { formatNumber, presetOf, suggestedLr } from '../store/scenario'
import { useUi } from '../store/ui-store'

export interface LrAdvice {
  readonly kind: 'offer' | 'note'
  readonly suggested: number
  readonly landscape: string
}

/** What to show for an lr of `value` on a landscape whose suggestion for `optimizer` is known; null when nothing. */
export function lrAdvice(
  optimizer: string,
  value: number,
  torchDefault: number,
  preset: Pick<PresetInfo, 'title' | 'suggested'> | undefined,
): LrAdvice | null {
  if (!preset) return null
  const suggested = suggestedLr(optimizer, preset as PresetInfo, torchDefault)
  if (!(suggested > 0)) return null
  if (value !== suggested) return { kind: 'offer', suggested, landscape: preset.title }
  return suggested === torchDefault ? null : { kind: 'note', suggested, landscape: preset.title }
}

export function LrSuggestion({
  index,
  optimizer,
  value,
  torchDefault,
  onApply,
}: {
  readonly index: number
  readonly optimizer: string
  readonly value: number
  readonly torchDefault: number
  readonly onApply: (v: number) => void
}) {
  const preset = useUi((s) => presetOf(s.scenario, s.info))
  const advice = lrAdvice(optimizer, value, torchDefault, preset)
  if (!advice) return null
  if (advice.kind === 'note') {
    return (
      <div className="lr-advice muted" data-testid={`lr-note-${index}`}>
        lr suggested for {advice.landscape} · torch’s default {formatNumber(torchDefault)}
      </div>
    )
  }
  return (
    <div className="lr-advice">
      <button
        type="button"
        className="chip"
        data-testid={`lr-suggest-${index}`}
        onClick={() => onApply(advice.suggested)}
        title={`The rate suggested for ${advice.landscape}; click to use it (your lr ${formatNumber(value)} stays until you do)`}
      >
        suggested for {advice.landscape}: {formatNumber(advice.suggested)}
      </button>
    </div>
  )
}
