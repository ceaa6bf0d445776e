/**
 * The duet as an ArmRunner for the paired confirmation: one slice measures both arms at once, so the first arm
 * asked for a pair runs the slice and the other arm of that pair is served from it.
 */
import type { Results } from '../../results/model.js'
import type { Arm, ArmRunner } from '../paired-runs.js'
import type { DuetSession } from './duet-load.js'

export function duetArmRunner(session: DuetSession): ArmRunner {
  const slices = new Map<number, Record<Arm, Results>>()
  return {
    run: async (arm: Arm, pairIndex: number): Promise<Results> => {
      let slice = slices.get(pairIndex)
      if (!slice) {
        slice = await session.slice()
        slices.clear()
        slices.set(pairIndex, slice)
      }
      return slice[arm]
    }
  }
}
