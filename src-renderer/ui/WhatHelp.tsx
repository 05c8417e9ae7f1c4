/** Help ▸ "What am I looking at": each thing on screen named and explained, with a labelled picture. */

export const WHAT_IMAGE = 'what-am-i-looking-at.png'

const ITEMS: ReadonlyArray<readonly [string, string]> = [
  [
    'Surface',
    'The loss f(x, y) over the drawn region: height and colour both show the loss (the colour bar on the left gives the values; Auto switches to a log height when the landscape spans orders of magnitude). The floor below carries its contour lines.',
  ],
  [
    'Start rings',
    'Small white rings: where runs begin. Every optimizer runs from every start point, so one ring starts one run per optimizer. With many starts the rings get smaller and fainter.',
  ],
  [
    'Trajectories and heads',
    'Each coloured line is one run (colour = optimizer, as in the legend), drawn up to the playhead; the dot at its end (the head) is the run at the current step. Older parts of a path fade. Hover a path for its optimizer, settings, start, step and loss.',
  ],
  [
    'Shadows',
    'The same paths projected onto the floor, so their position in (x, y) reads against the contours even where the surface hides the line.',
  ],
  [
    'Legend',
    'One row per optimizer with the settings it ran with and the median loss of its runs (click the heading to switch between the final loss and the loss at the playhead); "div." counts runs that diverged. Click a row to hide or show that optimizer.',
  ],
  [
    'Loss chart',
    "Loss against step for every run (thin) and each optimizer's median (thick); the dashed line is the playhead. Hover for the medians at a step, click to move the playhead there.",
  ],
  ['Playback bar', 'Play, pause, step and scrub through the run; the speed is in optimizer steps per second.'],
  [
    'EoS view',
    'For a plain GD run at the edge of stability: loss, sharpness against 2/η, and the oscillation across the valley (toggle EoS in the toolbar).',
  ],
]

export function WhatAmILookingAt() {
  return (
    <section className="what-help" data-testid="what-help">
      <h3>What am I looking at?</h3>
      <img
        src={WHAT_IMAGE}
        alt="The Gradscape window: the 3-D surface with start rings, coloured trajectories with their heads and floor shadows, the legend at top right, the loss chart at bottom right and the colour bar at left"
      />
      <dl>
        {ITEMS.map(([term, text]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{text}</dd>
          </div>
        ))}
      </dl>
    </section>
  )
}
