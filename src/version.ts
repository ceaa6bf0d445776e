/**
 * perf-gate's version, written once in package.json: scripts/build.mjs injects it into the bundles (esbuild
 * `define`); run from source (tests, tsx, @github/local-action) it is read from package.json instead.
 */
import { readFileSync } from 'node:fs'

declare const PERF_GATE_VERSION: string | undefined

export const VERSION: string =
  typeof PERF_GATE_VERSION === 'string'
    ? PERF_GATE_VERSION
    : (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version
