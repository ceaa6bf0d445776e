/**
 * Catch2 benchmarks (v2 and v3): the console reporter's `benchmark name  samples  iterations  estimated` blocks and
 * the `-r xml` reporter's `<BenchmarkResults>`. One scenario per benchmark, named `<test case> > <benchmark>`; one
 * trial: `time` (mean) and `stdev`, in the unit printed (XML: ns). Catch2 writes no individual samples, so none are
 * kept; the bootstrap bounds and outlier counts are not kept either. The console report must reach its
 * `test cases:` summary, the XML its closing tag: otherwise the file was cut off.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { InputError } from '../errors.js'
import type { ResultsFormat } from './format.js'
import { lineColumnAt } from './json-text.js'
import { buildResults, metricValue, ScenarioCollector } from './results-builder.js'
import { lineError, numberedLines } from './text-lines.js'

const DURATION = String.raw`([\d.]+(?:e[-+]?\d+)?) (ns|us|ms|s)`
const FIRST_ROW = new RegExp(String.raw`^(.*?)\s*(\d+)\s+(\d+)\s+${DURATION}$`)
const STAT_ROW = new RegExp(String.raw`^${DURATION}\s+${DURATION}\s+${DURATION}$`)

export const catch2Format: ResultsFormat = {
  name: 'catch2',
  description: 'Catch2 benchmark console output or -r xml',
  detect(text) {
    if (/^\s*(<\?xml[^>]*>\s*)?<Catch2?TestRun|^\s*(<\?xml[^>]*>\s*)?<Catch\b/.test(text)) return /<BenchmarkResults\b/.test(text)
    return /^benchmark name\s+samples\s+iterations\s+(estimated|est run time)\s*$/m.test(text)
  },
  resembles(text) {
    return /<BenchmarkResults\b/.test(text)
  },
  parse(text, source) {
    return /^\s*</.test(text) ? parseXml(text, source) : parseConsole(text, source)
  }
}

function parseConsole(text: string, source: string) {
  const collector = new ScenarioCollector()
  const lines = numberedLines(text)
  let testCase = ''
  let inTable = false
  let pendingName: string[] = []
  let ended = false
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!
    const trimmed = line.text.trim()
    if (/^-{20,}$/.test(trimmed) && /^-{20,}$/.test(lines[index + 2]?.text.trim() ?? '')) {
      testCase = lines[index + 1]!.text.trim()
      inTable = false
      pendingName = []
      index += 2
      continue
    }
    if (/^benchmark name\s+samples/.test(trimmed)) {
      inTable = true
      index += 3 // the two header continuation lines and the dashes
      continue
    }
    if (/^test cases:/.test(trimmed)) ended = true
    if (!inTable) continue
    if (trimmed === '') continue
    if (/^-{20,}$/.test(trimmed) || /^={20,}$/.test(trimmed)) {
      inTable = false
      pendingName = []
      continue
    }
    const first = FIRST_ROW.exec(trimmed)
    if (!first) {
      pendingName.push(trimmed) // a long name Catch2 wrapped onto lines of its own
      continue
    }
    const name = [...pendingName, first[1]!].filter((part) => part !== '').join(' ')
    pendingName = []
    const mean = STAT_ROW.exec(lines[index + 1]?.text.trim() ?? '')
    const deviation = STAT_ROW.exec(lines[index + 2]?.text.trim() ?? '')
    if (!mean) throw lineError(source, lines[index + 1] ?? line, '"<mean> <low mean> <high mean>" with units')
    if (!deviation) throw lineError(source, lines[index + 2] ?? line, '"<std dev> <low std dev> <high std dev>" with units')
    collector.addTrial(
      testCase ? `${testCase} > ${name}` : name,
      { metrics: { time: metricValue(Number(mean[1]), mean[2]!), stdev: metricValue(Number(deviation[1]), deviation[2]!) } },
      { kind: 'benchmark' }
    )
    index += 2
  }
  if (!ended) throw new InputError(`${source}: the Catch2 report has no "test cases:" summary, its last line; the file looks truncated`)
  return buildResults('catch2', collector.scenarios(), source, { nothingFound: 'no Catch2 benchmark results found' })
}

function parseXml(text: string, source: string) {
  const valid = XMLValidator.validate(text)
  if (valid !== true) {
    // fast-xml-parser reports tags left open at the end as "Invalid '[...open tags]' found" at 1:1.
    if (/^Invalid '\[/.test(valid.err.msg) || /unclosed|not closed|end of/i.test(valid.err.msg)) {
      throw new InputError(`${source}:${lineColumnAt(text, text.trimEnd().length)}: the XML ends before its elements are closed; the file looks truncated`)
    }
    throw new InputError(`${source}:${valid.err.line}:${valid.err.col}: not valid XML (${valid.err.msg})`)
  }
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: () => true, parseAttributeValue: false })
  const document = parser.parse(text) as Record<string, unknown>
  const collector = new ScenarioCollector()
  const visit = (node: unknown, testCase: string): void => {
    if (Array.isArray(node)) return node.forEach((item) => visit(item, testCase))
    if (typeof node !== 'object' || node === null) return
    const element = node as Record<string, unknown>
    for (const [tag, children] of Object.entries(element)) {
      if (tag === 'TestCase') {
        for (const testCaseNode of children as Array<Record<string, unknown>>) visit(testCaseNode, String(testCaseNode.name ?? ''))
      } else if (tag === 'BenchmarkResults') {
        for (const result of children as Array<Record<string, unknown>>) addXmlBenchmark(result, testCase, source, collector)
      } else if (typeof children === 'object') visit(children, testCase)
    }
  }
  visit(document, '')
  return buildResults('catch2', collector.scenarios(), source, { nothingFound: 'no <BenchmarkResults> in this Catch2 XML' })
}

function addXmlBenchmark(result: Record<string, unknown>, testCase: string, source: string, collector: ScenarioCollector): void {
  const name = String(result.name ?? '')
  const where = `${source}: <BenchmarkResults name=${JSON.stringify(name)}>`
  const value = (tag: string): number => {
    const element = (result[tag] as Array<Record<string, unknown>> | undefined)?.[0]
    const number = Number(element?.value)
    if (!element || element.value === undefined || !Number.isFinite(number)) throw new InputError(`${where}: expected <${tag} value="<number>"/>`)
    return number
  }
  // Catch2 writes every XML benchmark value in nanoseconds.
  const metrics = { time: metricValue(value('mean'), 'ns'), stdev: metricValue(value('standardDeviation'), 'ns') }
  collector.addTrial(testCase ? `${testCase} > ${name}` : name, { metrics }, { kind: 'benchmark' })
}
