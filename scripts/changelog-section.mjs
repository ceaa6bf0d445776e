// Prints the CHANGELOG.md section of one version (Keep a Changelog: "## [X.Y.Z] - date" up to the next "## ["),
// for the GitHub release notes. Fails when the section is missing or empty, so a release never goes out unexplained.
// Usage: node scripts/changelog-section.mjs <version> [changelog-path]
import { readFileSync } from 'node:fs'

const [version, path = 'CHANGELOG.md'] = process.argv.slice(2)
if (!version) {
  console.error('usage: node scripts/changelog-section.mjs <version> [changelog-path]')
  process.exit(3)
}
const lines = readFileSync(path, 'utf8').split('\n')
const escaped = version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const start = lines.findIndex((line) => new RegExp(`^## \\[?v?${escaped}\\]?(\\s|$)`).test(line))
if (start < 0) {
  console.error(`${path}: no "## [${version}]" section; add one (move the Unreleased entries under it) before releasing`)
  process.exit(1)
}
const end = lines.findIndex((line, index) => index > start && /^## /.test(line))
const body = lines
  .slice(start + 1, end < 0 ? undefined : end)
  .filter((line) => !/^\[[^\]]+\]:\s/.test(line))
  .join('\n')
  .trim()
if (!body) {
  console.error(`${path}: the section of ${version} is empty`)
  process.exit(1)
}
console.log(body)
