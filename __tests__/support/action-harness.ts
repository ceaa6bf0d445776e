/**
 * The bundled Action against a local fake of the GitHub API, for a test file: the bundle is built and the fake
 * started before its tests, the fake stopped after them; `run` points the Action at the fake.
 */
import { after, before } from 'node:test'
import { FakeGitHubApi } from './fake-github-api.js'
import { bundleActionEntry, runActionEntry, type ActionRunOptions } from './spawn-dist.js'

export function actionWithFakeApi(): { api: FakeGitHubApi; run: (options: Omit<ActionRunOptions, 'entry'>) => ReturnType<typeof runActionEntry> } {
  let entry = ''
  const api = new FakeGitHubApi()
  before(async () => {
    entry = bundleActionEntry()
    await api.start()
  })
  after(() => api.stop())
  const run = (options: Omit<ActionRunOptions, 'entry'>) => runActionEntry({ ...options, entry, env: { GITHUB_API_URL: api.url, ...options.env } })
  return { api, run }
}
