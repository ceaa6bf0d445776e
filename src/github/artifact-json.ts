/**
 * Reading an artifact that holds one JSON file (a baseline, a report of another workflow): download it into a fresh
 * temporary directory, check that it holds exactly one .json file (within a size limit), read it, remove the directory.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The artifact downloaded, but does not hold what it should: no or several JSON files, or too big a one. */
export class ArtifactContentError extends Error {
  override readonly name = 'ArtifactContentError'
}

/**
 * Runs `download` into a fresh temporary directory and returns the text of the one JSON file it left there. Errors of
 * `download` propagate unchanged; the wrong contents throw ArtifactContentError, whose message starts with `label`.
 */
export async function readSingleJsonArtifact(
  download: (dir: string) => Promise<void>,
  options: { label: string; maxBytes?: number; read?: (path: string) => Promise<string> }
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'perf-gate-artifact-'))
  try {
    await download(dir)
    const files = (await readdir(dir)).filter((file) => file.endsWith('.json'))
    if (files.length !== 1) throw new ArtifactContentError(`${options.label} should hold one JSON file, it holds ${files.length}`)
    const file = join(dir, files[0]!)
    if (options.maxBytes !== undefined) {
      const { size } = await stat(file)
      if (size > options.maxBytes)
        throw new ArtifactContentError(`${options.label} holds ${size} bytes, more than the limit of ${options.maxBytes} bytes; refusing it`)
    }
    return await (options.read ?? ((path: string) => readFile(path, 'utf8')))(file)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
