#!/usr/bin/env node
/**
 * Renders a perf-gate comment (Markdown from `perf-gate run --markdown FILE`, or a job summary) as GitHub shows it
 * — micromark with GFM, GitHub's own markdown CSS — and screenshots it with a local Chromium (Debian:
 * `apt-get install -y chromium`), so the picture in the docs can be redone from a real run.
 *
 *   node scripts/render-comment.mjs comment.md [docs/images/pr-comment.png]
 *
 * Environment: CHROMIUM (path of the browser, default /usr/bin/chromium), WIDTH (default 900 px).
 */
import { readFileSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import puppeteer from 'puppeteer-core'

const [input, output = 'docs/images/pr-comment.png'] = process.argv.slice(2)
if (!input) {
  console.error('usage: node scripts/render-comment.mjs <comment.md> [out.png]')
  process.exit(3)
}
const markdown = readFileSync(input, 'utf8').replace(/^<!-- perf-gate:[^>]*-->\n/, '')
// GitHub renders <details>, <summary>, <sub> and <br> in comments; everything else perf-gate writes is Markdown.
const body = micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true })
const css = readFileSync(createRequire(import.meta.url).resolve('github-markdown-css/github-markdown-light.css'), 'utf8')
const width = Number(process.env.WIDTH ?? 900)
const page = `<!doctype html><html><head><meta charset="utf-8"><style>${css}
body { margin: 0; background: #fff; }
.comment { box-sizing: border-box; width: ${width}px; padding: 16px 24px; border: 1px solid #d0d7de; border-radius: 6px; margin: 12px; }
</style></head><body><div class="comment markdown-body">${body}</div></body></html>`

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none']
})
try {
  const tab = await browser.newPage()
  await tab.setViewport({ width: width + 24, height: 600, deviceScaleFactor: 1 })
  await tab.setContent(page, { waitUntil: 'load' })
  // Open every <details> as a reviewer clicking through would, so the picture shows the reasons too.
  // eslint-disable-next-line no-undef -- runs in the page, where document exists
  await tab.evaluate(() => document.querySelectorAll('details').forEach((d) => d.setAttribute('open', '')))
  const box = await (await tab.$('.comment')).boundingBox()
  mkdirSync(dirname(resolve(output)), { recursive: true })
  await tab.screenshot({ path: output, clip: { x: 0, y: 0, width: Math.ceil(box.x + box.width + 12), height: Math.ceil(box.y + box.height + 12) } })
  console.log(`wrote ${output}`)
} finally {
  await browser.close()
}
