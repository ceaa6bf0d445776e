/**
 * Runs a user's command in a shell with a time limit. Output is streamed to the log line by line and kept
 * (stdout in full for parsing, a tail of both for error messages). At the limit, or when cancelled, the whole
 * process group is killed: benchmark suites often start servers and workers of their own.
 */
import { spawn } from 'node:child_process'
import { statSync } from 'node:fs'
import type { Logger } from '../log.js'
import { InputError } from '../errors.js'
import { markerEnv, newMarker, stopMarked } from './marked-processes.js'
import { KILL_GRACE_MS, stopGroup } from './process-group.js'
import { ProcessTreeMemory, type TreeMemory } from './process-memory.js'

export interface CommandSpec {
  command: string
  cwd: string
  env: Record<string, string>
  timeoutMs: number
  /** Sample the resident memory of the command's process tree while it runs (Linux). */
  sampleMemory?: boolean
}

export interface CommandOutcome {
  exitCode: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  cancelled: boolean
  stdout: string
  /** The last lines of stdout and stderr interleaved, for error messages. */
  outputTail: string
  durationMs: number
  /** The process tree's resident memory while it ran, when sampled and readable. */
  memory?: TreeMemory
}

const TAIL_LINES = 30
const COMMAND_MEMORY_SAMPLE_MS = 100
const COMMAND_TREE_REFRESH_MS = 500
const MAX_STDOUT_BYTES = 64 * 1024 * 1024

export async function runCommand(spec: CommandSpec, log: Logger, signal?: AbortSignal): Promise<CommandOutcome> {
  // Node reports a missing cwd as "spawn /bin/sh ENOENT", which blames the shell.
  if (!statSync(spec.cwd, { throwIfNoEntry: false })?.isDirectory()) {
    throw new InputError(`cannot run \`${spec.command}\`: its working directory ${spec.cwd} does not exist (a suite's cwd, or input 'working-directory')`)
  }
  const started = Date.now()
  // Descendants that leave the process group (setsid, a daemon) keep this in their environment: stop() finds them.
  const marker = newMarker('PERF_GATE_COMMAND_ID')
  const child = spawn(spec.command, {
    shell: true,
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env, ...markerEnv(marker) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const tail: string[] = []
  const stdoutChunks: Buffer[] = []
  let stdoutBytes = 0
  const relay = (stream: NodeJS.ReadableStream, keep: boolean): void => {
    let pending = ''
    stream.on('data', (chunk: Buffer) => {
      if (keep && stdoutBytes < MAX_STDOUT_BYTES) {
        stdoutChunks.push(chunk)
        stdoutBytes += chunk.length
      }
      pending += chunk.toString('utf8')
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) emit(line)
    })
    stream.on('end', () => {
      if (pending) emit(pending)
      pending = ''
    })
  }
  const emit = (line: string): void => {
    log.info(`  │ ${line}`)
    tail.push(line)
    if (tail.length > TAIL_LINES) tail.shift()
  }
  relay(child.stdout, true)
  relay(child.stderr, false)
  // A benchmark command starts its processes as it goes: its memory is read every 100 ms, and the tree looked up
  // anew every 500 ms (a /proc scan costs ~8 ms of CPU here; at every sample it would take 8% of a core from the
  // benchmark being measured).
  const memory = spec.sampleMemory
    ? ProcessTreeMemory.watch(child.pid, { intervalMs: COMMAND_MEMORY_SAMPLE_MS, treeRefreshMs: COMMAND_TREE_REFRESH_MS })
    : undefined

  let timedOut = false
  let cancelled = false
  // One stop for the group, whoever asks first (time limit, cancellation, or the leader's exit).
  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> =>
    (stopping ??= Promise.all([stopGroup(child.pid), stopMarked(marker, KILL_GRACE_MS)]).then(([, marked]) => {
      const escaped = [...new Set((marked ?? []).filter((found) => found.pgrp !== child.pid).map((found) => found.pid))]
      if (escaped.length > 0)
        log.warn(`\`${spec.command}\` left process(es) outside its process group (setsid or a daemon); stopped them (pid ${escaped.join(', ')}).`)
    }))
  const limit = setTimeout(() => {
    timedOut = true
    void stop()
  }, spec.timeoutMs)
  const onAbort = (): void => {
    cancelled = true
    void stop()
  }
  signal?.addEventListener('abort', onAbort, { once: true })
  if (signal?.aborted) onAbort()

  const { exitCode, exitSignal } = await new Promise<{ exitCode: number | null; exitSignal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', (error) => {
      emit(`cannot start the command: ${error.message}`)
      resolve({ exitCode: 127, exitSignal: null })
    })
    child.on('exit', (code, exitSignal) => resolve({ exitCode: code, exitSignal }))
  })
  const durationMs = Date.now() - started
  clearTimeout(limit)
  memory?.stop()
  signal?.removeEventListener('abort', onAbort)
  // Leftovers of the suite (background servers, workers) die with it; they would skew the next measurement. The
  // shell leader's exit says nothing about them: a descendant that ignores SIGTERM gets SIGKILL with the group.
  await stop()
  await waitForStreams(child.stdout, child.stderr)
  // A process that left the group (setsid) may still hold a pipe: stop reading rather than wait for it.
  child.stdout.destroy()
  child.stderr.destroy()
  return {
    exitCode,
    signal: exitSignal,
    timedOut,
    cancelled,
    stdout: Buffer.concat(stdoutChunks).toString('utf8'),
    outputTail: tail.join('\n'),
    durationMs,
    ...(memory?.read() ? { memory: memory.read()! } : {})
  }
}

/** Waits until both streams end, but not forever: a grandchild may hold a pipe open after the group was signalled. */
async function waitForStreams(...streams: NodeJS.ReadableStream[]): Promise<void> {
  await Promise.race([
    Promise.all(
      streams.map(
        (stream) =>
          new Promise<void>((resolve) => {
            if ((stream as { readableEnded?: boolean }).readableEnded) resolve()
            else stream.once('close', () => resolve())
          })
      )
    ),
    new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())
  ])
}
