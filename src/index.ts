// Entry of the bundled Action (dist/index.js): all logic lives in action.ts so tests can drive it.
import { runAction } from './action.js'

process.exitCode = await runAction()
