/** Whether this A/B runs as a duet: asked for (confirm.method: duet), and a load whose server perf-gate starts. */
import type { GateSettings, RunSource } from '../../config/settings.js'
import type { Logger } from '../../log.js'
import { DuetSession } from './duet-load.js'

export async function startDuetIfAsked(
  settings: GateSettings,
  base: RunSource,
  head: RunSource,
  log: Logger,
  signal?: AbortSignal
): Promise<DuetSession | undefined> {
  if (settings.confirm.method !== 'duet') return undefined
  if (base.kind !== 'load' || head.kind !== 'load' || !base.server || !head.server) {
    log.info('confirm.method duet applies to load with a server perf-gate starts; this A/B runs sequentially.')
    return undefined
  }
  if (head.websocketScenarios?.length) {
    log.info('confirm.method duet loads HTTP endpoints only; with WebSocket scenarios this A/B runs sequentially.')
    return undefined
  }
  return DuetSession.start({ base, head }, log, signal)
}
