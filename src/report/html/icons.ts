/**
 * The page's status icons, drawn as inline SVG: the emoji the PR comment uses (GitHub draws them) show as blank boxes
 * in a browser without an emoji font (Debian's chromium, many Linux desktops). Each icon names itself for screen
 * readers (role="img" with a label and a title), so that the meaning never rests on the shape or the colour alone.
 */
import type { MetricStatus } from '../../verdict/types.js'
import { STATUS_ICON } from '../format-cells.js'

export type IconName = MetricStatus | 'saved' | 'alert'

const LABEL: Record<IconName, string> = {
  fail: 'fail',
  warn: 'warning',
  inconclusive: 'inconclusive',
  'no-baseline': 'no baseline',
  new: 'new',
  removed: 'removed',
  improved: 'improved',
  pass: 'pass',
  info: 'note',
  saved: 'saved',
  alert: 'alert'
}

const WHITE = 'fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"'
const circle = (colour: string): string => `<circle cx="8" cy="8" r="7.5" fill="${colour}"/>`
const dot = (y: number): string => `<circle cx="8" cy="${y}" r="1.1" fill="#fff"/>`

/** Shapes on a 16 × 16 grid; colours that read on light and dark backgrounds alike. */
const SHAPE: Record<IconName, string> = {
  fail: `${circle('#cf222e')}<path d="M5.3 5.3l5.4 5.4M10.7 5.3l-5.4 5.4" ${WHITE}/>`,
  warn: `<path d="M8 1.2L15.3 14.3H.7z" fill="#bf8700" stroke="#bf8700" stroke-linejoin="round"/><path d="M8 5.6v4" ${WHITE}/>${dot(11.9)}`,
  inconclusive: `${circle('#6e7781')}<path d="M5.9 6.1a2.1 2.1 0 1 1 2.9 1.9c-.5.3-.8.6-.8 1.3v.4" ${WHITE}/>${dot(11.8)}`,
  'no-baseline': `<circle cx="8" cy="8" r="6.6" fill="none" stroke="#8c959f" stroke-width="1.8"/>`,
  new: `<rect x=".5" y="2.5" width="15" height="11" rx="2.5" fill="#0969da"/><path d="M8 5v6M5 8h6" ${WHITE}/>`,
  removed: `${circle('#6e7781')}<path d="M4.8 8h6.4" ${WHITE}/>`,
  improved: `${circle('#8250df')}<path d="M8 11.6V4.6M5 7.4l3-3 3 3" ${WHITE}/>`,
  pass: `${circle('#1a7f37')}<path d="M4.7 8.3l2.2 2.2 4.4-4.7" ${WHITE}/>`,
  info: `${circle('#0969da')}<path d="M8 7.2v4.4" ${WHITE}/>${dot(4.6)}`,
  saved: `<rect x="1" y="1" width="14" height="14" rx="2" fill="#0969da"/><rect x="4" y="2.5" width="8" height="4.5" rx=".5" fill="#fff"/><rect x="4" y="9.5" width="8" height="4" rx=".5" fill="#fff" opacity=".6"/>`,
  alert: `${circle('#cf222e')}<path d="M8 4.3v4.6" ${WHITE}/>${dot(11.6)}`
}

/** An icon as inline SVG, with its meaning as text for screen readers. */
export function iconSvg(name: IconName): string {
  const label = LABEL[name]
  return `<svg class="icon" viewBox="0 0 16 16" width="16" height="16" role="img" aria-label="${label}"><title>${label}</title>${SHAPE[name]}</svg>`
}

const BY_EMOJI = new Map<string, IconName>([...Object.entries(STATUS_ICON).map(([status, emoji]) => [emoji, status as MetricStatus] as const), ['💾', 'saved']])

/** The icon for an emoji the shared cells use (headline parts carry them); an unknown one stays as it is. */
export function iconForEmoji(emoji: string): string {
  const name = BY_EMOJI.get(emoji)
  return name ? iconSvg(name) : emoji
}
