import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { readRecordFile, readRecordVersion, STREAMED_RECORD_SCENARIOS, writeRecordFile } from '../../src/baselines/record-file.js'
import { baselineRecord } from '../../src/gate.js'
import type { Results } from '../../src/results/model.js'
import { scratchDir } from '../support/spawn-dist.js'

function resultsOf(count: number): Results {
  return {
    schemaVersion: 1,
    git: { sha: 'a'.repeat(40) },
    scenarios: Array.from({ length: count }, (_, index) => ({
      name: `s${index}`,
      trials: [{ metrics: { t: { value: index + 0.5, unit: 'ms', direction: 'lower' as const } } }]
    }))
  }
}

describe('baseline record files', () => {
  test('a small record is pretty JSON; a large one is streamed gzip; both read back to the same record', async () => {
    const dir = scratchDir()
    for (const count of [3, STREAMED_RECORD_SCENARIOS + 1]) {
      const record = baselineRecord('api', resultsOf(count), { event: 'push', runner: 'local' }, new Date(), count === 3 ? 'v1' : undefined)
      const path = join(dir, `${count}.json`)
      await writeRecordFile(path, record)
      const bytes = readFileSync(path)
      assert.equal(bytes[0] === 0x1f && bytes[1] === 0x8b, count > STREAMED_RECORD_SCENARIOS, `gzip for ${count} scenarios`)
      assert.deepEqual(JSON.parse(await readRecordFile(path)), record)
    }
  })
  test('the schemaVersion is read from the head alone, plain or gzip; a head that does not say it gives undefined', async () => {
    const dir = scratchDir()
    for (const count of [3, STREAMED_RECORD_SCENARIOS + 1]) {
      const path = join(dir, `${count}.json`)
      await writeRecordFile(path, baselineRecord('api', resultsOf(count), { event: 'push', runner: 'local' }, new Date()))
      assert.equal(await readRecordVersion(path), 1, `${count} scenarios`)
    }
    writeFileSync(join(dir, 'other.json'), '{"gate": "api", "schemaVersion": 1}')
    assert.equal(await readRecordVersion(join(dir, 'other.json')), undefined)
    writeFileSync(join(dir, 'binary.json'), Buffer.from([0x1f, 0x8b, 0, 1, 2]))
    await assert.rejects(readRecordVersion(join(dir, 'binary.json')))
  })
})
