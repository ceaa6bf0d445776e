import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createActionLogger, type ActionLogSink } from '../../src/github/action-log.js'

function recorder(): { sink: ActionLogSink; lines: string[] } {
  const lines: string[] = []
  const sink: ActionLogSink = {
    info: (message) => lines.push(message),
    warning: (message) => lines.push(`warning: ${message}`),
    error: (message) => lines.push(`error: ${message}`),
    debug: (message) => lines.push(`debug: ${message}`),
    setSecret: () => {},
    startGroup: (title) => lines.push(`[group ${title}]`),
    endGroup: () => lines.push('[end]')
  }
  return { sink, lines }
}

test('relayed process output is folded under the line that announced it; other lines close the fold', () => {
  const { sink, lines } = recorder()
  const log = createActionLogger(sink)
  log.info('Starting server: npm start')
  log.info('  │ listening on 3000')
  log.info('  │ ready')
  log.debug('polled /health')
  log.info('Server ready at http://127.0.0.1:3000/health after 120 ms.')
  log.info('  │ GET /fast 200')
  log.warn('slow start')
  log.info('  │ bye')
  log.closeGroup()
  log.closeGroup()
  assert.deepEqual(lines, [
    'Starting server: npm start',
    '[group Output: Starting server: npm start]',
    'listening on 3000',
    'ready',
    'debug: polled /health',
    '[end]',
    'Server ready at http://127.0.0.1:3000/health after 120 ms.',
    '[group Output: Server ready at http://127.0.0.1:3000/health after 120 ms.]',
    'GET /fast 200',
    '[end]',
    'warning: slow start',
    '[group Output: Server ready at http://127.0.0.1:3000/health after 120 ms.]',
    'bye',
    '[end]'
  ])
})
