/**
 * "From the papers": scenes where a paper's claim shows on a 2-D landscape (src-shared/scenes/
 * paper-scenes.ts), and the caption of the one on screen: what to look at and the paper it cites.
 */
import { citeLine, PAPER_SCENES } from '../../src-shared/scenes/paper-scenes'
import { currentPaperScene, loadPaperScene } from '../store/paper-scene-actions'
import { useUi } from '../store/ui-store'

export function PaperScenesGallery() {
  const scenario = useUi((s) => s.scenario)
  const current = currentPaperScene(scenario)
  return (
    <>
      <div className="field-label paper-gallery-label">
        From the papers <span className="muted">a claim you can watch</span>
      </div>
      <div className="gallery paper-gallery" role="list" aria-label="Paper scenes" data-testid="paper-gallery">
        {PAPER_SCENES.map((s) => (
          <button
            key={s.id}
            type="button"
            role="listitem"
            className={current?.id === s.id ? 'preset paper-scene on' : 'preset paper-scene'}
            data-paper-scene={s.id}
            title={`${s.title}\n${s.caption}\n${citeLine(s)}`}
            onClick={() => loadPaperScene(s.id)}
          >
            <span className="preset-title">{s.title}</span>
            <span className="preset-sub muted">{s.optimizers.map((o) => o.name).join(' · ')}</span>
          </button>
        ))}
      </div>
      {current && (
        <div className="paper-caption" data-testid="paper-caption" data-paper-scene={current.id}>
          <p className="description">{current.caption}</p>
          <p className="description muted paper-cite" data-testid="paper-citation">
            {citeLine(current)}
          </p>
        </div>
      )}
    </>
  )
}
