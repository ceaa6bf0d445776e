/**
 * How the base checkout gets its dependencies without paying for a second install. The workspace (the head) was
 * installed by the workflow; when the base commit's lockfile is byte-for-byte the head's, the base's dependency tree
 * would be the same, so the head's `node_modules` is copied into the base checkout (copy-on-write where the file
 * system clones) and the install step of `build:` is skipped.
 *
 * A copy, not a symlink: through a symlinked node_modules, Node resolves every package to its real path in the
 * head's tree, so workspace links (node_modules/@org/lib → ../../packages/lib) would load the HEAD's packages into
 * the base arm, caches tools write into node_modules (.cache, .vite) would be shared by both arms, and an `npm ci`
 * left in the base's build would empty the head's tree while the head is measured. A copy keeps relative links
 * pointing into the base's own checkout and each arm's tree its own.
 *
 * Other ecosystems keep what they download in a cache shared by every checkout on the runner (Cargo's registry,
 * Go's module cache, uv / Poetry / pip caches), and what remains is compiling the base's own code, which `build:`
 * must do: their lockfiles are compared and reported, and `build:` runs.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { constants } from 'node:fs'
import { cp, readFile, stat } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, sep } from 'node:path'
import { RunError } from '../errors.js'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

export type Ecosystem = 'node' | 'rust' | 'go' | 'python'

interface LockfileKind {
  file: string
  ecosystem: Ecosystem
  /** The install that reproduces the lockfile exactly (what to set as `build:`). */
  install?: string
}

/** Lockfiles by the name they have in a project directory; a directory may hold several (a Node and a Rust part). */
export const LOCKFILES: readonly LockfileKind[] = [
  { file: 'package-lock.json', ecosystem: 'node', install: 'npm ci' },
  { file: 'npm-shrinkwrap.json', ecosystem: 'node', install: 'npm ci' },
  { file: 'pnpm-lock.yaml', ecosystem: 'node', install: 'pnpm install --frozen-lockfile' },
  { file: 'yarn.lock', ecosystem: 'node', install: 'yarn install --frozen-lockfile' },
  { file: 'bun.lock', ecosystem: 'node', install: 'bun install --frozen-lockfile' },
  { file: 'bun.lockb', ecosystem: 'node', install: 'bun install --frozen-lockfile' },
  { file: 'Cargo.lock', ecosystem: 'rust' },
  { file: 'go.sum', ecosystem: 'go' },
  { file: 'uv.lock', ecosystem: 'python', install: 'uv sync --frozen' },
  { file: 'poetry.lock', ecosystem: 'python', install: 'poetry install --no-interaction' },
  { file: 'Pipfile.lock', ecosystem: 'python', install: 'pipenv sync' },
  { file: 'pdm.lock', ecosystem: 'python', install: 'pdm sync' }
]

/** One lockfile in the head and the base checkout. */
export interface LockfileComparison {
  /** File name, e.g. package-lock.json. */
  file: string
  ecosystem: Ecosystem
  /** In the head and in the base, with the same bytes. */
  identical: boolean
  /** sha256 of the base's copy ('' when the base has none). */
  baseHash: string
  inHead: boolean
  inBase: boolean
}

/** The lockfiles of the project directory (the nearest directory holding one, from the working directory up to the top). */
export interface DependencyComparison {
  /** The directory of the lockfiles, relative to the repository's top ('' for the top). */
  dir: string
  lockfiles: LockfileComparison[]
}

/** What the base checkout does about its dependencies, and the line that says so in the log. */
export interface DependencyPlan {
  comparison?: DependencyComparison
  /** Copy the head's installed tree here (absolute paths). */
  reuse?: { from: string; to: string }
  /** "base dependencies: reused head's node_modules (package-lock.json identical)" */
  summary: string
  /** Why the head's node_modules was not reused ("package-lock.json differs"), when it was not. */
  notReused?: string
}

/** Finds the lockfiles for `projectRel` (relative to each checkout's top) and compares them between head and base. */
export async function compareLockfiles(headTop: string, baseTop: string, projectRel: string): Promise<DependencyComparison | undefined> {
  for (let dir = normalizeRel(projectRel); ; dir = parentRel(dir)) {
    const lockfiles: LockfileComparison[] = []
    for (const kind of LOCKFILES) {
      const head = await readIfFile(join(headTop, dir, kind.file))
      const base = await readIfFile(join(baseTop, dir, kind.file))
      if (!head && !base) continue
      lockfiles.push({
        file: kind.file,
        ecosystem: kind.ecosystem,
        identical: head !== undefined && base !== undefined && head.equals(base),
        baseHash: base ? sha256(base) : '',
        inHead: head !== undefined,
        inBase: base !== undefined
      })
    }
    if (lockfiles.length > 0) return { dir, lockfiles }
    if (dir === '') return undefined
  }
}

/**
 * Decides how the base gets its dependencies: reuse the head's node_modules when every Node lockfile of the
 * project directory is identical and the head has it installed (and the base has none of its own).
 */
export async function planDependencies(headTop: string, baseTop: string, projectRel: string): Promise<DependencyPlan> {
  const comparison = await compareLockfiles(headTop, baseTop, projectRel)
  if (!comparison) return { notReused: 'no lockfile to compare', summary: 'base dependencies: no lockfile found, so nothing of the head is reused' }
  const where = comparison.dir === '' ? '' : ` in ${comparison.dir}`
  const node = comparison.lockfiles.filter((lock) => lock.ecosystem === 'node')
  const others = comparison.lockfiles.filter((lock) => lock.ecosystem !== 'node')
  const otherNote = others.length > 0 ? `; ${others.map(describeShared).join('; ')}` : ''
  if (node.length === 0) return { comparison, notReused: 'not a Node project', summary: `base dependencies${where}: ${others.map(describeShared).join('; ')}` }
  const names = node.map((lock) => lock.file).join(', ')
  const differing = node.filter((lock) => !lock.identical)
  if (differing.length > 0) {
    const why = differing.map((lock) =>
      !lock.inBase ? `${lock.file} not in the base` : !lock.inHead ? `${lock.file} not in the head` : `${lock.file} differs`
    )
    return { comparison, notReused: why.join(', '), summary: `base dependencies${where}: head's node_modules not reused (${why.join(', ')})${otherNote}` }
  }
  const from = join(headTop, comparison.dir, 'node_modules')
  const to = join(baseTop, comparison.dir, 'node_modules')
  if (!(await isDirectory(from))) {
    const pnp = (await readIfFile(join(headTop, comparison.dir, '.pnp.cjs'))) !== undefined ? " (Yarn Plug'n'Play)" : ''
    return {
      comparison,
      notReused: `the head has no node_modules${pnp}`,
      summary: `base dependencies${where}: ${names} identical, but the head has no node_modules to reuse${pnp}${otherNote}`
    }
  }
  if (await isDirectory(to)) return { comparison, summary: `base dependencies${where}: the base checkout has its own node_modules${otherNote}` }
  return { comparison, reuse: { from, to }, summary: `base dependencies${where}: reused head's node_modules (${names} identical)${otherNote}` }
}

function describeShared(lock: LockfileComparison): string {
  const state = lock.identical ? 'identical' : !lock.inBase ? 'not in the base' : !lock.inHead ? 'not in the head' : 'differs'
  const cache: Record<Ecosystem, string> = {
    node: '',
    rust: "Cargo's registry (~/.cargo) is shared by both checkouts; `build:` compiles the base",
    go: "Go's module cache is shared by both checkouts; `build:` compiles the base",
    python: 'the package cache is shared by both checkouts; `build:` creates the base environment'
  }
  return `${lock.file} ${state} (${cache[lock.ecosystem]})`
}

/**
 * Copies an installed tree as it is: symlinks verbatim (relative links keep pointing inside the copy's checkout),
 * copy-on-write clones where the file system has them. `cp -a` is several times faster than Node's fs.cp on a tree of
 * thousands of small files (8 s against 38 s for 31,600 files on this project's build machine); fs.cp is the
 * fallback where no such cp exists (Windows).
 */
export async function copyInstalledTree(from: string, to: string): Promise<void> {
  const native = process.platform === 'linux' ? ['-a', '--reflink=auto', from, to] : process.platform === 'darwin' ? ['-Rpc', from, to] : undefined
  if (native) {
    try {
      await execFileAsync('cp', native, { maxBuffer: 4 * 1024 * 1024 })
      return
    } catch {
      // A cp without these options (busybox, an old macOS): the portable copy below.
    }
  }
  await cp(from, to, { recursive: true, verbatimSymlinks: true, mode: constants.COPYFILE_FICLONE, errorOnExist: false, force: true })
}

/** Known install commands: the only steps of `build:` the reuse may skip (the rest, e.g. `npm run build`, still runs). */
const INSTALL_STEP = /^(?:npm (?:ci|install|i)|pnpm (?:install|i)|yarn(?: install)?|bun install)(?: --?[a-z][\w-]*(?:=\S+)?)*$/

/**
 * `build:` without its dependency install, when the head's tree was reused: "npm ci && npm run build" becomes
 * "npm run build", "npm ci" becomes "". Only a plain `a && b` chain is taken apart; anything else runs as written.
 */
export function withoutInstallSteps(build: string): { remaining: string; skipped: string[] } {
  if (/[;|\n`$()<>]/.test(build.replace(/&&/g, ''))) return { remaining: build, skipped: [] }
  const steps = build.split('&&').map((step) => step.trim())
  const skipped = steps.filter((step) => INSTALL_STEP.test(step))
  return { remaining: steps.filter((step) => !INSTALL_STEP.test(step)).join(' && '), skipped }
}

/**
 * When the base checkout visibly cannot run without an install (a Node project whose package.json lists
 * dependencies, and no node_modules in its directory or above inside the checkout), the `build:` to set; else undefined.
 */
export async function missingNodeInstall(baseTop: string, projectRel: string, comparison?: DependencyComparison): Promise<string | undefined> {
  let manifestDir: string | undefined
  let dependencies = 0
  for (let dir = normalizeRel(projectRel); ; dir = parentRel(dir)) {
    if (await isDirectory(join(baseTop, dir, 'node_modules'))) return undefined
    const manifest = await readIfFile(join(baseTop, dir, 'package.json'))
    if (manifest && manifestDir === undefined) {
      dependencies = countDependencies(manifest)
      manifestDir = dir
    }
    if (dir === '') break
  }
  if (manifestDir === undefined || dependencies === 0) return undefined
  const lock = comparison?.lockfiles.find((lockfile) => lockfile.ecosystem === 'node' && lockfile.inBase)
  // Yarn 2+ (a .yarnrc.yml) spells the frozen install --immutable.
  const berry = lock?.file === 'yarn.lock' && (await readIfFile(join(baseTop, comparison!.dir, '.yarnrc.yml'))) !== undefined
  const install = berry ? 'yarn install --immutable' : ((lock && LOCKFILES.find((kind) => kind.file === lock.file)?.install) ?? 'npm install')
  const manifest = JSON.parse((await readIfFile(join(baseTop, manifestDir, 'package.json')))!.toString('utf8')) as { scripts?: Record<string, string> }
  const runner = install.split(' ')[0]!
  const build = manifest.scripts?.build ? `${install} && ${runner} run build` : install
  return build
}

function countDependencies(manifest: Buffer): number {
  try {
    const json = JSON.parse(manifest.toString('utf8')) as Record<string, unknown>
    return ['dependencies', 'devDependencies', 'optionalDependencies'].reduce((sum, field) => {
      const value = json[field]
      return sum + (value && typeof value === 'object' ? Object.keys(value).length : 0)
    }, 0)
  } catch {
    return 0
  }
}

/** A short hash of the lockfiles the base was built from, for cache keys. */
export function lockfilesHash(comparison: DependencyComparison | undefined): string {
  const text = (comparison?.lockfiles ?? []).map((lock) => `${comparison!.dir}/${lock.file}:${lock.baseHash}`).join('\n')
  return sha256(Buffer.from(text)).slice(0, 16)
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

async function readIfFile(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path)
  } catch {
    return undefined
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

function normalizeRel(rel: string): string {
  const clean = rel
    .split(sep)
    .join('/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '')
  return clean === '.' ? '' : clean
}

function parentRel(rel: string): string {
  const parent = dirname(rel)
  return parent === '.' ? '' : parent
}

/** The project directory relative to the top, for both checkouts ('' when it is not under the top as spelled). */
export function projectRelative(repoTop: string, projectDir: string): string {
  const rel = normalizeRel(relative(repoTop, projectDir))
  return rel === '..' || rel.startsWith('../') || isAbsolute(rel) ? '' : rel
}

/** The base checkout needs an install that nothing does: exit 2 before measuring, naming the `build:` to set. */
export class MissingInstallError extends RunError {
  constructor(projectRel: string, build: string, notReused: string | undefined) {
    const where = projectRel === '' ? '' : ` (${projectRel})`
    const why = notReused ? ` (the head's node_modules cannot stand in: ${notReused})` : ''
    super(
      `the base checkout${where} has no node_modules, but its package.json lists dependencies, and \`build:\` is not set${why}. ` +
        `Set build: "${build}" (config \`build:\`, Action input build, CLI --build "${build}").`
    )
  }
}
