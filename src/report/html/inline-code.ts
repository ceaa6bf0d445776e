/**
 * Text written for the Markdown comment (notes, guidance, problems) quotes config keys and commands as `code`: on the
 * page the backticks would show as they are, so the spans become <code> elements, their text escaped like the rest.
 */
import { escapeHtml } from '../escape.js'

export function htmlWithCode(text: string): string {
  // Split on matched pairs only: a lone backtick stays a character.
  return text
    .split(/(`[^`\n]+`)/)
    .map((part) => (/^`[^`\n]+`$/.test(part) ? `<code>${escapeHtml(part.slice(1, -1))}</code>` : escapeHtml(part)))
    .join('')
}
