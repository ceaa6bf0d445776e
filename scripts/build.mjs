// Bundles the Action (dist/index.js) and the CLI (dist/cli.js) with esbuild.
// Usage: node scripts/build.mjs [--outdir <dir>]
// esbuild rather than Rollup: one deterministic pass in about a second, so `check-dist` is cheap enough to run
// in CI and before every stop; CommonJS dependencies (autocannon) get a real `require` from the banner below.
import { build } from 'esbuild'
import { mkdir, rm } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } })
const outdir = resolve(values.outdir)
await rm(outdir, { recursive: true, force: true })
await mkdir(outdir, { recursive: true })

// CommonJS modules bundled into ESM call require() for Node built-ins and check require.main.
const requireShim =
  "import { createRequire as __perfGateCreateRequire } from 'node:module'; const require = __perfGateCreateRequire(import.meta.url);"

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'eof',
  charset: 'utf8'
}

await build({ ...common, entryPoints: ['src/index.ts'], outfile: `${outdir}/index.js`, banner: { js: requireShim } })
await build({ ...common, entryPoints: ['src/bin.ts'], outfile: `${outdir}/cli.js`, banner: { js: `#!/usr/bin/env node\n${requireShim}` } })
