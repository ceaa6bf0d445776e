/**
 * Escaping of anything that comes from results (scenario and metric names, units, messages) before it reaches
 * Markdown or a terminal: no broken tables, no HTML, no @mentions, no terminal control sequences.
 */

const MAX_NAME_LENGTH = 200

/** Text for a Markdown table cell or inline prose: literal, on one line, inert. */
export function escapeMarkdown(text: string, maxLength = MAX_NAME_LENGTH): string {
  const oneLine = clip(text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' '), maxLength)
  return (
    oneLine
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/([\\`*_{}[\]()#+!|~^$=-])/g, '\\$1')
      .replace(/@/g, '@&#8203;')
      // "javascript:" links and GFM autolinks of "https://..." in names: both need the colon.
      .replace(/:(?=[\w/])/g, '&#58;')
  )
}

/** Text for a terminal: no escape sequences or other control characters from untrusted names. */
export function escapeTerminal(text: string, maxLength = MAX_NAME_LENGTH): string {
  return clip(text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' '), maxLength)
}

/**
 * Cut in the middle: long benchmark names share their start (a namespace) and differ at the end (the method), so a
 * cut at the end made three BenchmarkDotNet benchmarks print as the same name.
 */
function clip(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text
  const head = Math.floor((maxLength - 1) * 0.4)
  return `${text.slice(0, head)}…${text.slice(text.length - (maxLength - 1 - head))}`
}

/** Text for HTML (element content and quoted attribute values). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** A Markdown code fence longer than any run of backticks in `text`, so that the text cannot close it early. */
export function codeFenceFor(text: string): string {
  return '`'.repeat(Math.max(3, ...(text.match(/`+/g) ?? []).map((run) => run.length + 1)))
}
