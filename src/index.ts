// Entry of the bundled Action (dist/index.js): all logic lives in main.ts so tests and local tools can drive it.
import { run } from './main.js'

process.exitCode = await run()
