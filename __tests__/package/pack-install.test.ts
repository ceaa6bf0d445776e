/**
 * The npm package as a user gets it: built from the current sources, packed with `npm pack`, installed from the
 * tarball into a scratch project offline, then run through `npx perf-gate` and imported. The bundles carry every
 * runtime dependency, so the install adds perf-gate and nothing else; importing it must run nothing (it once ran
 * the Action, which started the user's server).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT, scratchDir } from '../support/spawn-dist.js'

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

/** Runs npm (or npx) quietly in `cwd`, offline: nothing may come from the network. */
function npmIn(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(npm, [...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...env },
    timeout: 180_000
  })
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' }
}

/** A copy of the package's own files with bundles and types freshly built from src/, packed into a tarball. */
function packFreshTarball(): { tarball: string; files: string[] } {
  const stage = scratchDir('perf-gate-pack-')
  for (const name of ['package.json', 'README.md', 'LICENSE', 'schemas']) cpSync(join(REPO_ROOT, name), join(stage, name), { recursive: true })
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/build.mjs'), '--outdir', join(stage, 'dist')], { cwd: REPO_ROOT })
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.api.json', '--outDir', join(stage, 'dist/types')], {
    cwd: REPO_ROOT
  })
  // The stage has built already; prepack would build again into the repository's dist/ under running tests.
  const packed = npmIn(stage, ['pack', '--ignore-scripts', '--json'])
  assert.equal(packed.status, 0, packed.stderr)
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>
  return { tarball: join(stage, info!.filename), files: info!.files.map((file) => file.path) }
}

test('npm pack → offline install → npx perf-gate --help and compare; lean install; import runs nothing', { timeout: 300_000 }, () => {
  const { tarball, files } = packFreshTarball()
  assert.ok(files.includes('dist/cli.js') && files.includes('dist/api.js') && files.includes('dist/types/api.d.ts'), files.join(', '))
  assert.ok(!files.includes('dist/index.js'), 'the Action bundle is used from the repository, not shipped to npm')
  assert.ok(!files.some((file) => file.startsWith('src/') || file.startsWith('__tests__/')), files.join(', '))

  const project = scratchDir('perf-gate-consumer-')
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }))
  const installed = npmIn(project, ['install', '--offline', '--no-save', tarball])
  assert.equal(installed.status, 0, `npm install --offline of the tarball: ${installed.stderr}`)
  assert.doesNotMatch(installed.stderr, /EBADENGINE/)

  // Every installed package: perf-gate itself and whatever it pulled in.
  const listed = npmIn(project, ['ls', '--all', '--parseable'])
  const packages = listed.stdout.trim().split('\n').slice(1)
  assert.ok(packages.length >= 1 && packages.length <= 5, `installed packages (target ≤ 5): ${packages.length}\n${packages.join('\n')}`)
  console.log(`installed packages: ${packages.length} (${packages.map((path) => path.split('node_modules/').pop()).join(', ')})`)

  const help = npmIn(project, ['exec', '--offline', '--', 'perf-gate', '--help'])
  assert.equal(help.status, 0, help.stderr)
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
  assert.match(help.stdout, new RegExp(`^perf-gate ${version.replace(/\./g, '\\.')}: `), 'the version comes from package.json')
  assert.match(help.stdout, /compare\s+compare two results files/)

  const example = join(REPO_ROOT, 'examples/local-action')
  cpSync(join(example, 'baseline-results.json'), join(project, 'before.json'))
  cpSync(join(example, 'results.json'), join(project, 'after.json'))
  const compared = npmIn(project, [
    'exec',
    '--offline',
    '--',
    'perf-gate',
    'compare',
    '--baseline',
    'before.json',
    '--current',
    'after.json',
    '-t',
    'time: +50%',
    '--no-color',
    '--all'
  ])
  assert.equal(compared.status, 0, `${compared.stdout}\n${compared.stderr}`)
  assert.match(compared.stdout, /PASS/)
  assert.match(compared.stdout, /sleep 0\.01/)

  // Importing the package, on a runner with Action inputs set that would start a command: nothing may run.
  const marker = join(project, 'ran.txt')
  mkdirSync(join(project, 'ws'))
  const probe = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const api = await import('perf-gate'); console.log(JSON.stringify({ keys: Object.keys(api).sort(), exitCode: process.exitCode ?? null, version: api.VERSION }))`
    ],
    {
      cwd: project,
      encoding: 'utf8',
      timeout: 30_000,
      env: {
        PATH: process.env.PATH,
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: join(project, 'ws'),
        INPUT_COMMAND: `node -e "require('fs').writeFileSync('${marker}', 'ran')"`,
        INPUT_RESULTS: 'out.json'
      }
    }
  )
  assert.equal(probe.status, 0, `import exits on its own, with 0: ${probe.stderr}`)
  assert.equal(probe.stderr, '')
  const seen = JSON.parse(probe.stdout) as { keys: string[]; exitCode: number | null; version: string }
  assert.equal(seen.exitCode, null, 'importing sets no exit code')
  assert.equal(seen.version, version)
  for (const name of ['compareResults', 'parseResults', 'runGate', 'FileBaselineStore', 'renderMarkdownReport'])
    assert.ok(seen.keys.includes(name), `exports ${name}`)
  assert.ok(!existsSync(marker), 'importing the package ran the configured command')
  assert.deepEqual(readdirSync(join(project, 'ws')), [], 'importing the package wrote nothing')

  // The types that ship with it: a TypeScript user's code type-checks, and a wrong use is caught (not `any`).
  const tsc = (file: string) =>
    spawnSync(
      process.execPath,
      [
        join(REPO_ROOT, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--skipLibCheck',
        '--types',
        'node',
        '--typeRoots',
        join(REPO_ROOT, 'node_modules/@types'),
        file
      ],
      { cwd: project, encoding: 'utf8' }
    )
  writeFileSync(
    join(project, 'uses-api.ts'),
    `import { compareResults, parseResults, type Results } from 'perf-gate'
const before: Results = parseResults('{}', 'auto', 'before.json')
const outcome = await compareResults(before, before, { thresholds: 'p95: +20%' })
const verdict: string = outcome.report.verdict
const code: number = outcome.exitCode
console.log(verdict, code)
`
  )
  const typed = tsc('uses-api.ts')
  assert.equal(typed.status, 0, typed.stdout)
  writeFileSync(join(project, 'misuses-api.ts'), `import { VERSION } from 'perf-gate'\nconst wrong: number = VERSION\nconsole.log(wrong)\n`)
  const misuse = tsc('misuses-api.ts')
  assert.match(misuse.stdout, /Type 'string' is not assignable to type 'number'/)
})
