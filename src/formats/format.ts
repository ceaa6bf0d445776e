import type { Results } from '../results/model.js'

/** What the caller knows about where the text came from. */
export interface ParseContext {
  /** The suite whose output this is, when one ran it. */
  suite?: string
}

/** A parser of one results format. Each lives in its own module and is listed in registry.ts. */
export interface ResultsFormat {
  /** Name used in `format:` (e.g. "perf-gate", "k6", "hyperfine"). */
  name: string
  /** One line for --help and error messages. */
  description: string
  /** True when the text is certainly this format (used by `format: auto`). Must be cheap and never throw. */
  detect(text: string, fileName: string): boolean
  /** Parses the text; throws InputError naming `source` and the line or field on malformed input. */
  parse(text: string, source: string, context?: ParseContext): Results
  /**
   * Looser than detect: true when the text looks like this format's output even though detect refused it (a truncated
   * file). Used only to explain a failed `auto` detection by running parse and quoting why it refused.
   */
  resembles?(text: string): boolean
}
