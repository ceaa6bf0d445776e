// Bundles the Action (dist/index.js), the CLI (dist/cli.js), the programmatic API (dist/api.js) and the load
// generator's worker thread (dist/load-worker.js) with esbuild.
// Usage: node scripts/build.mjs [--outdir <dir>]
// esbuild rather than Rollup: one deterministic pass in about a second, so `check-dist` is cheap enough to run
// in CI and before every stop; CommonJS dependencies (autocannon) get a real `require` from the banner below.
import { build } from 'esbuild'
import { mkdir, readFile, rm } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } })
const outdir = resolve(values.outdir)
await rm(outdir, { recursive: true, force: true })
await mkdir(outdir, { recursive: true })

// CommonJS modules bundled into ESM call require() for Node built-ins and check require.main.
const requireShim = "import { createRequire as __perfGateCreateRequire } from 'node:module'; const require = __perfGateCreateRequire(import.meta.url);"

// The version is written once, in package.json; the bundles get it here (src/version.ts).
const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'))

// uPlot for the HTML report, inlined into the page it writes (src/report/html/uplot-assets.ts), its MIT notice kept.
const uplotFile = (file) => readFile(new URL(`../node_modules/uplot/${file}`, import.meta.url), 'utf8')
const uplot = { js: await uplotFile('dist/uPlot.iife.min.js'), css: await uplotFile('dist/uPlot.min.css'), license: await uplotFile('LICENSE') }

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'eof',
  charset: 'utf8',
  define: { PERF_GATE_VERSION: JSON.stringify(version), PERF_GATE_UPLOT: JSON.stringify(uplot) }
}

await build({ ...common, entryPoints: ['src/index.ts'], outfile: `${outdir}/index.js`, banner: { js: requireShim } })
await build({ ...common, entryPoints: ['src/bin.ts'], outfile: `${outdir}/cli.js`, banner: { js: `#!/usr/bin/env node\n${requireShim}` } })
// The package's `exports`: importing it must run nothing, so no entry code and no CommonJS shim beyond what the
// bundled modules need.
await build({ ...common, entryPoints: ['src/api.ts'], outfile: `${outdir}/api.js`, banner: { js: requireShim } })
// A load generator worker thread (`workers: N`) runs this bundle; the others start it from the file beside them
// (src/run/load/workers/worker-pass.ts).
await build({ ...common, entryPoints: ['src/run/load/workers/load-worker.ts'], outfile: `${outdir}/load-worker.js`, banner: { js: requireShim } })
