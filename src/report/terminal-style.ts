/**
 * Terminal presentation helpers for the CLI: whether to colour, and how wide text is on screen.
 * - Colour: Node's own decision (tty's getColorDepth, maintained with Node itself), which honours FORCE_COLOR
 *   (0 off; 1–3 on even when piped, as CI logs are), NO_COLOR, NODE_DISABLE_COLORS and TERM=dumb. picocolors
 *   treats FORCE_COLOR=0 as "on" and colours TERM=dumb under CI; supports-color ignores NO_COLOR.
 * - Width: string-width (grapheme clusters, East Asian width, emoji as two columns, ANSI codes as none), because
 *   `.length` counts UTF-16 units: "✅" is 1, "🚀" 2, "東京" 2, while terminals show 2, 2 and 4 columns.
 */
import { WriteStream } from 'node:tty'
import stringWidth from 'string-width'

/** True when output to `stream` should be coloured; `--no-color` (noColorFlag) always wins. */
export function shouldUseColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, noColorFlag = false): boolean {
  if (noColorFlag) return false
  const forced = env.FORCE_COLOR !== undefined
  // With FORCE_COLOR set, NO_COLOR is moot; drop it so Node does not warn that it ignored it.
  const depthEnv = forced ? { ...env, NO_COLOR: undefined, NODE_DISABLE_COLORS: undefined } : env
  const depth = WriteStream.prototype.getColorDepth.call(stream as WriteStream, depthEnv as NodeJS.ProcessEnv)
  if (depth <= 1) return false
  return forced || stream.isTTY === true
}

/** Characters string-width gives one column each (checked code point by code point in the tests); not U+00AD. */
export const ONE_COLUMN_EACH = /^[\x20-\x7e\u00a0-\u00ac\u00ae-\u02ff\u2010-\u2027\u2030-\u205e\u2190-\u22ff\u2500-\u259f]*$/

/** Columns `text` takes in a terminal (ANSI colour codes count as none). */
export function displayWidth(text: string): number {
  // Text made only of characters one column wide each (ASCII, Latin, µ, ×, −, …, arrows, box drawing: what cells are
  // made of) is as wide as it is long; string-width's grapheme walk was most of the cost of a 10,000-scenario table.
  return ONE_COLUMN_EACH.test(text) ? text.length : stringWidth(text)
}

/** `text` padded with spaces to `width` terminal columns (like padEnd, but by display width). */
export function padEndToWidth(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)))
}

/** `text` padded on the left to `width` terminal columns. */
export function padStartToWidth(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text
}

/** `text` cut to at most `width` terminal columns, with `…` when cut (a live line must not wrap, or `\r` cannot redraw it). */
export function truncateToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text
  let kept = ''
  for (const { segment } of new Intl.Segmenter().segment(text)) {
    if (displayWidth(kept + segment) > width - 1) break
    kept += segment
  }
  return `${kept}…`
}
