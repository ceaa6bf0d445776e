/**
 * github-action-benchmark's custom JSON: an array of `{ "name", "unit", "value", "range"?, "extra"? }`, as its
 * `customSmallerIsBetter` and `customBiggerIsBetter` tools read it. The file does not say which of the two it is:
 * `format: custom-smaller-is-better` or `custom-bigger-is-better` says it (under `auto` it is refused with that
 * pointer). One scenario per name, one trial, metric `value` in the entry's unit; entries repeating a name are trials.
 * `range` and `extra` are not kept.
 */
import { InputError } from '../errors.js'
import type { Direction } from '../results/model.js'
import type { ResultsFormat } from './format.js'
import { parseJsonText } from './json-text.js'
import { asObject, child, items, jsonRoot, numberAt, stringAt } from './json-reader.js'
import { buildResults, metricValue, ScenarioCollector } from './results-builder.js'

const SHAPE = /^\s*\[\s*\{/

function looksCustom(text: string): boolean {
  return SHAPE.test(text) && /"name"\s*:/.test(text) && /"unit"\s*:/.test(text) && /"value"\s*:/.test(text)
}

function customFormat(name: string, direction: Direction, tool: string): ResultsFormat {
  return {
    name,
    description: `github-action-benchmark ${tool} JSON ([{ name, unit, value }], ${direction} is better)`,
    // Both variants share one shape: only the user can say which. Never claimed under auto (see resembles).
    detect: () => false,
    resembles: looksCustom,
    parse(text, source) {
      const root = jsonRoot(parseJsonText(text, source), source)
      const collector = new ScenarioCollector()
      for (const entry of items(root, `an array of { "name", "unit", "value" } (github-action-benchmark ${tool})`)) {
        asObject(entry)
        const unit = stringAt(child(entry, 'unit'))
        collector.addTrial(
          stringAt(child(entry, 'name')),
          { metrics: { value: metricValue(numberAt(child(entry, 'value')), unit, direction) } },
          { kind: 'benchmark' }
        )
      }
      if (collector.size === 0) throw new InputError(`${source}: the ${tool} array is empty`)
      return buildResults(name, collector.scenarios(), source)
    }
  }
}

export const customSmallerIsBetterFormat = customFormat('custom-smaller-is-better', 'lower', 'customSmallerIsBetter')
export const customBiggerIsBetterFormat = customFormat('custom-bigger-is-better', 'higher', 'customBiggerIsBetter')
