/** Folds one same-runner A/B decision into a verdict, as a confirmation of `pairs` pairs in one look would. */
import { applyConfirmation } from '../../src/confirm/confirm-on-base.js'
import type { TargetConfirmation } from '../../src/confirm/paired-runs.js'
import type { GateVerdict } from '../../src/verdict/types.js'

export function withABDecision(verdict: GateVerdict, confirmation: TargetConfirmation): GateVerdict {
  return applyConfirmation(verdict, { confirmations: [confirmation], pairs: confirmation.pairs, looks: 1, elapsedMs: 1 }, true)
}
