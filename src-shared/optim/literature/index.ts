/** The optimizers from the literature beside torch.optim (shared/reference/literature/README.md). */
import type { OptimizerDef } from '../types'
import { adabelief } from './adabelief'
import { ademamix } from './ademamix'
import { aegd } from './aegd'
import { diffgrad } from './diffgrad'
import { gravity } from './gravity'
import { inducedsgd, inducedsgdlog, inducedsgdrms } from './induced'
import { lion } from './lion'
import { mars } from './mars'
import { clipsgd, normgd } from './normalized'
import { optamsgrad } from './optamsgrad'
import { fdgr, sam } from './perturbed'
import { gaussnewton, newton, oasis, saddlefreenewton } from './second-order'
import { yogi } from './yogi'

export const LITERATURE_OPTIMIZERS: readonly OptimizerDef[] = [
  lion,
  ademamix,
  mars,
  diffgrad,
  adabelief,
  yogi,
  gravity,
  aegd,
  optamsgrad,
  newton,
  saddlefreenewton,
  gaussnewton,
  oasis,
  inducedsgd,
  inducedsgdlog,
  inducedsgdrms,
  sam,
  fdgr,
  normgd,
  clipsgd,
]
