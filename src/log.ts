/**
 * Where the gate writes what it is doing. The Action maps these to @actions/core; the CLI to stderr.
 * A secret registered with addSecret is masked everywhere the logger writes.
 */
/** The prefix run/ gives each line it relays from a child process (suite, server, build); the Action folds them. */
export const RELAYED_OUTPUT_PREFIX = '  │ '

export interface Logger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
  debug(message: string): void
  /** Registers a value (e.g. an Authorization header) that must never appear in logs. */
  addSecret(value: string): void
  /**
   * Progress of a long step (load, suite). In CI logs: one line per call (callers rate-limit to every few
   * seconds); in an interactive terminal: one live line rewritten in place. `done` ends the live line.
   */
  progress(line: string): void
  progressDone(): void
  /** How often long steps should call progress: often for a live terminal line, every few seconds in CI logs. */
  readonly progressIntervalMs?: number
}

/** A logger that keeps lines in memory, for tests and for capturing output. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = []
  private readonly secrets: string[] = []
  info(message: string): void {
    this.lines.push(`info: ${this.mask(message)}`)
  }
  warn(message: string): void {
    this.lines.push(`warn: ${this.mask(message)}`)
  }
  error(message: string): void {
    this.lines.push(`error: ${this.mask(message)}`)
  }
  debug(message: string): void {
    this.lines.push(`debug: ${this.mask(message)}`)
  }
  addSecret(value: string): void {
    if (value) this.secrets.push(value)
  }
  progress(line: string): void {
    this.lines.push(`progress: ${this.mask(line)}`)
  }
  progressDone(): void {}
  private mask(text: string): string {
    return this.secrets.reduce((masked, secret) => masked.split(secret).join('***'), text)
  }
}
