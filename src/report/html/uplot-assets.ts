/**
 * uPlot (MIT, ~50 kB minified, no dependencies) and its stylesheet, inlined into every HTML report so that the page
 * works offline and from an artifact download. Chosen over Chart.js (4× the size) and Observable Plot (needs D3)
 * because it draws line charts on a log axis fast and small. scripts/build.mjs injects the files (and uPlot's LICENSE) into the bundles
 * (esbuild `define`); run from source (tests, tsx) they are read from node_modules.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

declare const PERF_GATE_UPLOT: { js: string; css: string; license: string } | undefined

let cached: { js: string; css: string } | undefined

export function uplotAssets(): { js: string; css: string } {
  if (!cached) {
    const files =
      typeof PERF_GATE_UPLOT === 'object' && PERF_GATE_UPLOT !== undefined
        ? PERF_GATE_UPLOT
        : (() => {
            const require = createRequire(import.meta.url)
            const read = (file: string): string => readFileSync(require.resolve(`uplot/${file}`), 'utf8')
            return { js: read('dist/uPlot.iife.min.js'), css: read('dist/uPlot.min.css'), license: read('LICENSE') }
          })()
    cached = { js: withLicense(files.js, files.license), css: files.css }
  }
  return cached
}

/** The MIT notice travels with the inlined copy. */
function withLicense(js: string, license: string): string {
  const notice = license.replace(/\*\//g, '* /').trim()
  return `/*!\n${notice}\n*/\n${js}`
}
