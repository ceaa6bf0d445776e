import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ANNOTATION_CAP, reportAnnotations } from '../../src/github/annotations.js'
import { row } from '../support/report-builder.js'

describe('annotations', () => {
  test('thousands of failing rows: at most 10 annotations, the most severe first, then one line with how many more', () => {
    const metrics = [
      ...Array.from({ length: 3 }, (_, i) => row(`warn-${i}`, 'warn')),
      ...Array.from({ length: 2000 }, (_, i) => row(`fail-${i}`, 'fail')),
      row('quiet', 'pass')
    ]
    const annotations = reportAnnotations('api', metrics)
    assert.equal(annotations.length, ANNOTATION_CAP + 1)
    assert.ok(
      annotations.slice(0, ANNOTATION_CAP).every((a) => a.level === 'error'),
      'fails first'
    )
    assert.match(annotations.at(-1)!.message, /^and 1993 more \(1990 failing, 3 warning\) not annotated here: see the job summary/)
    assert.equal(annotations.at(-1)!.title, 'perf-gate api: 1993 more')
  })

  test('a few rows are all annotated, no "more" line', () => {
    const annotations = reportAnnotations('api', [row('a', 'fail'), row('b', 'warn'), row('c', 'pass')])
    assert.deepEqual(
      annotations.map((a) => a.level),
      ['error', 'warning']
    )
  })
})
