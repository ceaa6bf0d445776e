/**
 * uPlot (MIT, ~50 kB minified, no dependencies) and its stylesheet, inlined into every HTML report so that the page
 * works offline and from an artifact download. Chosen over Chart.js (4× the size) and Observable Plot (needs D3)
 * because it draws line charts on a log axis fast and small. scripts/build.mjs injects both files into the bundles
 * (esbuild `define`); run from source (tests, tsx) they are read from node_modules.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

declare const PERF_GATE_UPLOT: { js: string; css: string } | undefined

let cached: { js: string; css: string } | undefined

export function uplotAssets(): { js: string; css: string } {
  if (typeof PERF_GATE_UPLOT === 'object' && PERF_GATE_UPLOT !== undefined) return PERF_GATE_UPLOT
  if (!cached) {
    const require = createRequire(import.meta.url)
    const read = (file: string): string => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8')
    cached = { js: withLicense(read('uPlot.iife.min.js'), read('../LICENSE')), css: read('uPlot.min.css') }
  }
  return cached
}

/** The MIT notice travels with the inlined copy. */
export function withLicense(js: string, license: string): string {
  const notice = license.replace(/\*\//g, '* /').trim()
  return `/*!\n${notice}\n*/\n${js}`
}
