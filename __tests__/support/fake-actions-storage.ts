/**
 * A local stand-in for GitHub's storage services, on 127.0.0.1, that the REAL @actions/cache and @actions/artifact
 * clients talk to (and Octokit through GITHUB_API_URL):
 *   - Twirp  /twirp/github.actions.results.api.v1.CacheService/{CreateCacheEntry,FinalizeCacheEntryUpload,GetCacheEntryDownloadURL}
 *   - Twirp  /twirp/github.actions.results.api.v1.ArtifactService/{CreateArtifact,FinalizeArtifact,ListArtifacts,GetSignedArtifactURL}
 *   - signed blob URLs /devstoreaccount1/<container>/<blob>?sig=… (single PUT, PUT ?comp=block / ?comp=blocklist, GET with Range)
 *   - REST   GET /repos/{o}/{r}/actions/artifacts?name=…&per_page=…&page=…  and  GET …/actions/artifacts/{id}/zip → 302 to the blob
 *   - REST   GET /repos/{o}/{r}/actions/caches?key=…&ref=…&per_page=…&page=… (cache entries by key prefix, newest first)
 * The runtime token is a JWT like the runner's: `scp` names the run and job ("Actions.Results:<run>:<job>") and `ac`
 * lists the cache scopes with permissions (1 read, 2 write, 3 both), which is how the real service scopes caches:
 * a run writes to its first writable scope and reads its scopes in order (a PR: its merge ref, then the base branch).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

const CACHE_SERVICE = '/twirp/github.actions.results.api.v1.CacheService/'
const ARTIFACT_SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/'
const BLOB_PREFIX = '/devstoreaccount1/'

export interface CacheScope {
  scope: string
  /** 1 read, 2 write, 3 read and write (the runner's `ac` claim). */
  permission: 1 | 2 | 3
}

/** What the REST API says about the workflow run that made an artifact. */
export interface FakeRun {
  id: number
  headBranch: string
  headSha: string
  /** The repository the run's head commit lives in: this repository's id, or a fork's. */
  headRepositoryId: number
}

export interface FakeCacheEntry {
  key: string
  version: string
  scope: string
  blob: string
  finalized: boolean
  createdAt: number
  /** True: listed by the REST API but gone from the cache service (evicted between the list and the restore). */
  evicted?: boolean
}

export interface FakeArtifact {
  id: number
  name: string
  runBackendId: string
  blob: string
  finalized: boolean
  createdAt: number
  expiresAt?: string
}

/**
 * Routes failures can be injected on: a Twirp method name, 'blob-put', 'blob-get', 'rest-list', 'rest-zip' (or
 * 'rest-zip:<artifact id>' for one artifact's download: downloads run in parallel), 'rest-caches'.
 */
export type FakeRoute = string

interface Failure {
  status: number
  /** How many more requests fail; Infinity for all. */
  remaining: number
  /** A rate limit as the REST API answers it: 403 with x-ratelimit-remaining 0 and a reset 1 s ahead. */
  rateLimit?: boolean
}

/** REST routes that transient faults (rate-limit-once, api-5xx-once) apply to. */
export const REST_ROUTES = ['rest-list', 'rest-zip', 'rest-caches'] as const

export const REPOSITORY_ID = 101

export class FakeActionsStorage {
  readonly cacheEntries: FakeCacheEntry[] = []
  readonly artifacts: FakeArtifact[] = []
  /** Method and path of every request, for assertions on what the clients did. */
  readonly requests: string[] = []
  private readonly blobs = new Map<string, Buffer>()
  private readonly blocks = new Map<string, Buffer>()
  private readonly runs = new Map<string, FakeRun>()
  private readonly failures = new Map<FakeRoute, Failure>()
  private readonly holds = new Map<FakeRoute, { count: number; waiting: Array<() => void> }>()
  private readonly server = createServer((request, response) => {
    this.handle(request, response).catch((error: unknown) => send(response, 500, { msg: String(error) }))
  })
  private clock = Date.now()
  private nextId = 1
  url = ''

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  /** The variables a job on this run gets from the runner; `scopes` are its cache scopes in lookup order. */
  env(run: FakeRun, scopes: CacheScope[]): Record<string, string> {
    const backendId = this.register(run)
    return {
      ACTIONS_RESULTS_URL: `${this.url}/`,
      ACTIONS_RUNTIME_TOKEN: runtimeToken(backendId, `job-${run.id}`, scopes),
      ACTIONS_CACHE_SERVICE_V2: 'True',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: this.url,
      GITHUB_REPOSITORY_ID: String(REPOSITORY_ID)
    }
  }

  /**
   * Adds `count` artifacts named `name` to `run` that the REST API lists but that hold nothing: cheap filler for
   * listing pages (they must never be downloaded).
   */
  addListedOnly(run: FakeRun, name: string, count: number): void {
    const backendId = this.register(run)
    for (let index = 0; index < count; index++) {
      this.artifacts.push({
        id: this.nextId++,
        name,
        runBackendId: backendId,
        blob: `artifacts/${backendId}/listed-only-${index}.zip`,
        finalized: true,
        createdAt: this.tick()
      })
    }
  }

  /** Makes the next `times` requests on `route` fail with `status` (429 comes with Retry-After). */
  fail(route: FakeRoute, status: number, times = Infinity): void {
    this.failures.set(route, { status, remaining: times })
  }

  /**
   * Injects a transient fault once on `route`: 'rate-limit-once' (403 "API rate limit exceeded",
   * x-ratelimit-remaining 0, reset 1 s ahead) or 'api-5xx-once' (502). A client with retries gets through.
   */
  fault(route: FakeRoute, fault: 'rate-limit-once' | 'api-5xx-once'): void {
    this.failures.set(route, fault === 'api-5xx-once' ? { status: 502, remaining: 1 } : { status: 403, remaining: 1, rateLimit: true })
  }

  /**
   * Holds requests on `route` until `count` of them have arrived, then lets them all through (later ones pass at
   * once). On 'CreateCacheEntry' with 2, two jobs have both loaded before either saves: a deterministic race.
   */
  hold(route: FakeRoute, count: number): void {
    this.holds.set(route, { count, waiting: [] })
  }

  private async passHold(route: FakeRoute): Promise<void> {
    const hold = this.holds.get(route)
    if (!hold) return
    await new Promise<void>((resolve) => {
      hold.waiting.push(resolve)
      if (hold.waiting.length >= hold.count) {
        this.holds.delete(route)
        for (const release of hold.waiting) release()
      }
    })
  }

  blobOf(blob: string): Buffer | undefined {
    return this.blobs.get(blob)
  }

  /** Makes `run` known to the REST API (what it says of the run behind an artifact); returns its backend id. */
  private register(run: FakeRun): string {
    const backendId = `run-${run.id}`
    this.runs.set(backendId, run)
    return backendId
  }

  /** Strictly increasing timestamps, so "newest" is well defined even within one millisecond. */
  private tick(): number {
    this.clock = Math.max(this.clock + 1, Date.now())
    return this.clock
  }

  private injected(route: FakeRoute, response: ServerResponse): boolean {
    const failure = this.failures.get(route)
    if (!failure || failure.remaining <= 0) return false
    failure.remaining--
    if (failure.status === 429) response.setHeader('Retry-After', '60')
    if (failure.rateLimit) {
      response.setHeader('x-ratelimit-limit', '5000')
      response.setHeader('x-ratelimit-remaining', '0')
      response.setHeader('x-ratelimit-reset', String(Math.ceil(Date.now() / 1000) + 1))
    }
    const message = failure.rateLimit
      ? 'API rate limit exceeded for installation ID 1.'
      : failure.status === 403
        ? 'Resource not accessible by integration'
        : `injected ${failure.status}`
    send(response, failure.status, { code: 'injected', msg: message, message })
    return true
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url)
    this.requests.push(`${request.method} ${url.pathname}${url.search}`)
    const body = await readBody(request)
    if (url.pathname.startsWith(BLOB_PREFIX)) return this.handleBlob(request, response, url, body)
    if (url.pathname.startsWith('/twirp/')) {
      const method = url.pathname.split('/').pop()!
      await this.passHold(method)
      if (this.injected(method, response)) return
      const claims = tokenClaims(request.headers.authorization)
      if (!claims) return send(response, 401, { code: 'unauthenticated', msg: 'missing or malformed runtime token' })
      const input = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>
      if (url.pathname.startsWith(CACHE_SERVICE)) return this.handleCache(method, input, claims, response)
      if (url.pathname.startsWith(ARTIFACT_SERVICE)) return this.handleArtifact(method, input, claims, response)
    }
    if (url.pathname.startsWith('/repos/')) return this.handleRest(request, response, url)
    send(response, 404, { msg: `no route ${request.method} ${url.pathname}` })
  }

  private handleCache(method: string, input: Record<string, unknown>, claims: Claims, response: ServerResponse): void {
    const key = String(input.key ?? '')
    const version = String(input.version ?? '')
    if (method === 'CreateCacheEntry') {
      const scope = claims.scopes.find((s) => s.permission & 2)?.scope
      if (!scope) return send(response, 403, { code: 'permission_denied', msg: 'cache write denied: this token has no writable cache scope' })
      if (this.cacheEntries.some((e) => e.key === key && e.version === version && e.scope === scope)) {
        return send(response, 409, { code: 'already_exists', msg: `cache entry with the same key, version, and scope already exists` })
      }
      const entry: FakeCacheEntry = { key, version, scope, blob: `cache/${this.nextId++}`, finalized: false, createdAt: this.tick() }
      this.cacheEntries.push(entry)
      return send(response, 200, { ok: true, signed_upload_url: this.signedUrl(entry.blob) })
    }
    if (method === 'FinalizeCacheEntryUpload') {
      const entry = this.cacheEntries.find((e) => e.key === key && e.version === version && !e.finalized)
      if (!entry || !this.blobs.has(entry.blob)) return send(response, 200, { ok: false, message: `no upload for key ${key}` })
      entry.finalized = true
      entry.createdAt = this.tick()
      return send(response, 200, { ok: true, entry_id: String(this.cacheEntries.indexOf(entry) + 1) })
    }
    if (method === 'GetCacheEntryDownloadURL') {
      const restoreKeys = (input.restore_keys as string[] | undefined) ?? []
      const entry = this.lookupCache(claims.scopes, version, [key, ...restoreKeys])
      if (!entry) return send(response, 200, { ok: false })
      return send(response, 200, { ok: true, signed_download_url: this.signedUrl(entry.blob), matched_key: entry.key })
    }
    send(response, 404, { code: 'bad_route', msg: `no method ${method}` })
  }

  /** Per readable scope in order: each key exactly, else the newest entry it prefixes. */
  private lookupCache(scopes: CacheScope[], version: string, keys: string[]): FakeCacheEntry | undefined {
    for (const { scope, permission } of scopes) {
      if (!(permission & 1)) continue
      const candidates = this.cacheEntries.filter((e) => e.finalized && !e.evicted && e.scope === scope && e.version === version)
      for (const key of keys) {
        const exact = candidates.find((e) => e.key === key)
        if (exact) return exact
        const prefixed = candidates.filter((e) => e.key.startsWith(key)).sort((a, b) => b.createdAt - a.createdAt)
        if (prefixed[0]) return prefixed[0]
      }
    }
    return undefined
  }

  private handleArtifact(method: string, input: Record<string, unknown>, claims: Claims, response: ServerResponse): void {
    const runBackendId = String(input.workflow_run_backend_id ?? '')
    if (runBackendId !== claims.runBackendId) return send(response, 403, { code: 'permission_denied', msg: 'token is not for this run' })
    const name = String(input.name ?? '')
    const own = this.artifacts.filter((a) => a.runBackendId === runBackendId)
    if (method === 'CreateArtifact') {
      if (own.some((a) => a.name === name && a.finalized))
        return send(response, 409, { code: 'already_exists', msg: `an artifact with this name already exists on the workflow run` })
      const artifact: FakeArtifact = {
        id: this.nextId++,
        name,
        runBackendId,
        blob: `artifacts/${runBackendId}/${name}.zip`,
        finalized: false,
        createdAt: this.tick()
      }
      if (typeof input.expires_at === 'string') artifact.expiresAt = input.expires_at
      this.artifacts.push(artifact)
      return send(response, 200, { ok: true, signed_upload_url: this.signedUrl(artifact.blob) })
    }
    if (method === 'FinalizeArtifact') {
      const artifact = own.find((a) => a.name === name && !a.finalized)
      if (!artifact || !this.blobs.has(artifact.blob)) return send(response, 404, { code: 'not_found', msg: `no upload for artifact ${name}` })
      artifact.finalized = true
      return send(response, 200, { ok: true, artifact_id: String(artifact.id) })
    }
    if (method === 'ListArtifacts') {
      const nameFilter = (input.name_filter as string | undefined) ?? undefined
      // Int64Value wrappers travel as a bare string in protobuf JSON (downloadArtifact asks by id this way).
      const rawId = input.id_filter as string | number | { value?: string } | undefined
      const idFilter = rawId === undefined ? undefined : Number(typeof rawId === 'object' ? rawId.value : rawId)
      const listed = own.filter((a) => a.finalized && (!nameFilter || a.name === nameFilter) && (idFilter === undefined || a.id === idFilter))
      return send(response, 200, {
        artifacts: listed.map((a) => ({
          workflow_run_backend_id: a.runBackendId,
          workflow_job_run_backend_id: claims.jobBackendId,
          database_id: String(a.id),
          name: a.name,
          size: String(this.blobs.get(a.blob)?.length ?? 0),
          created_at: new Date(a.createdAt).toISOString()
        }))
      })
    }
    if (method === 'GetSignedArtifactURL') {
      const artifact = own.find((a) => a.name === name && a.finalized)
      if (!artifact) return send(response, 404, { code: 'not_found', msg: `no artifact ${name}` })
      return send(response, 200, { signed_url: this.signedUrl(artifact.blob) })
    }
    send(response, 404, { code: 'bad_route', msg: `no method ${method}` })
  }

  private handleRest(request: IncomingMessage, response: ServerResponse, url: URL): void {
    if (!/^(token|bearer) \S+/i.test(request.headers.authorization ?? '')) return send(response, 401, { message: 'Requires authentication' })
    const zip = /^\/repos\/[^/]+\/[^/]+\/actions\/artifacts\/(\d+)\/zip$/.exec(url.pathname)
    if (zip) {
      if (this.injected(`rest-zip:${zip[1]}`, response) || this.injected('rest-zip', response)) return
      const artifact = this.artifacts.find((a) => a.id === Number(zip[1]) && a.finalized)
      if (!artifact) return send(response, 404, { message: 'Not Found' })
      if (isExpired(artifact)) return send(response, 410, { message: 'Artifact has expired' })
      response.writeHead(302, { location: this.signedUrl(artifact.blob) }).end()
      return
    }
    if (/^\/repos\/[^/]+\/[^/]+\/actions\/caches$/.test(url.pathname)) {
      if (this.injected('rest-caches', response)) return
      const key = url.searchParams.get('key')
      const ref = url.searchParams.get('ref')
      const listed = this.cacheEntries
        .filter((e) => e.finalized && (!key || e.key.startsWith(key)) && (!ref || e.scope === ref))
        .sort((a, b) => b.createdAt - a.createdAt)
        .map((e) => ({
          id: this.cacheEntries.indexOf(e) + 1,
          ref: e.scope,
          key: e.key,
          version: e.version,
          created_at: new Date(e.createdAt).toISOString(),
          last_accessed_at: new Date(e.createdAt).toISOString(),
          size_in_bytes: this.blobs.get(e.blob)?.length ?? 0
        }))
      const perPage = Number(url.searchParams.get('per_page') ?? 30)
      const page = Number(url.searchParams.get('page') ?? 1)
      return send(response, 200, { total_count: listed.length, actions_caches: listed.slice((page - 1) * perPage, page * perPage) })
    }
    if (/^\/repos\/[^/]+\/[^/]+\/actions\/artifacts$/.test(url.pathname)) {
      if (this.injected('rest-list', response)) return
      const name = url.searchParams.get('name')
      const listed = this.artifacts
        .filter((a) => a.finalized && (!name || a.name === name))
        .sort((a, b) => b.createdAt - a.createdAt)
        .map((a) => {
          const run = this.runs.get(a.runBackendId)!
          return {
            id: a.id,
            name: a.name,
            size_in_bytes: this.blobs.get(a.blob)?.length ?? 0,
            archive_download_url: `${this.url}/repos/octo/shop/actions/artifacts/${a.id}/zip`,
            expired: isExpired(a),
            created_at: new Date(a.createdAt).toISOString(),
            expires_at: a.expiresAt ?? null,
            workflow_run: {
              id: run.id,
              repository_id: REPOSITORY_ID,
              head_repository_id: run.headRepositoryId,
              head_branch: run.headBranch,
              head_sha: run.headSha
            }
          }
        })
      const perPage = Number(url.searchParams.get('per_page') ?? 30)
      const page = Number(url.searchParams.get('page') ?? 1)
      return send(response, 200, { total_count: listed.length, artifacts: listed.slice((page - 1) * perPage, page * perPage) })
    }
    send(response, 404, { message: 'Not Found' })
  }

  private handleBlob(request: IncomingMessage, response: ServerResponse, url: URL, body: Buffer): void {
    const blob = decodeURIComponent(url.pathname.slice(BLOB_PREFIX.length))
    if (url.searchParams.get('sig') !== 'fake-signature') return send(response, 403, { message: 'AuthenticationFailed' })
    const headers = { etag: `"${this.nextId++}"`, 'last-modified': new Date().toUTCString(), 'x-ms-request-id': 'fake', 'x-ms-version': '2025-01-05' }
    if (request.method === 'PUT') {
      if (this.injected('blob-put', response)) return
      const comp = url.searchParams.get('comp')
      if (comp === 'block') {
        this.blocks.set(`${blob}#${url.searchParams.get('blockid')}`, body)
      } else if (comp === 'blocklist') {
        const ids = [...body.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]+)<\//g)].map((m) => m[1]!)
        const parts = ids.map((id) => this.blocks.get(`${blob}#${id}`))
        if (parts.some((part) => part === undefined)) return send(response, 400, { message: 'InvalidBlockList' })
        this.blobs.set(blob, Buffer.concat(parts as Buffer[]))
      } else {
        if (request.headers['x-ms-blob-type'] !== 'BlockBlob') return send(response, 400, { message: 'MissingRequiredHeader x-ms-blob-type' })
        this.blobs.set(blob, body)
      }
      response.writeHead(201, headers).end()
      return
    }
    if (request.method === 'GET' || request.method === 'HEAD') {
      if (this.injected('blob-get', response)) return
      const bytes = this.blobs.get(blob)
      if (!bytes) return send(response, 404, { message: 'BlobNotFound' })
      const range = /bytes=(\d+)-(\d*)/.exec(String(request.headers['x-ms-range'] ?? request.headers.range ?? ''))
      const start = range ? Number(range[1]) : 0
      const end = range && range[2] ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1
      const slice = bytes.subarray(start, end + 1)
      const type = blob.endsWith('.zip') ? 'application/zip' : 'application/octet-stream'
      response.writeHead(range ? 206 : 200, {
        ...headers,
        'content-type': type,
        'content-length': slice.length,
        'x-ms-blob-type': 'BlockBlob',
        ...(range ? { 'content-range': `bytes ${start}-${end}/${bytes.length}` } : {})
      })
      response.end(request.method === 'HEAD' ? undefined : slice)
      return
    }
    send(response, 405, { message: 'method not allowed' })
  }

  private signedUrl(blob: string): string {
    return `${this.url}${BLOB_PREFIX}${blob.split('/').map(encodeURIComponent).join('/')}?sig=fake-signature&se=2099-01-01T00%3A00%3A00Z&sp=rcw`
  }
}

interface Claims {
  runBackendId: string
  jobBackendId: string
  scopes: CacheScope[]
}

/** A JWT shaped like the runner's ACTIONS_RUNTIME_TOKEN (unsigned: the fake trusts its own tokens). */
function runtimeToken(runBackendId: string, jobBackendId: string, scopes: CacheScope[]): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const payload = {
    scp: `Actions.GenericRead:00000000 Actions.Results:${runBackendId}:${jobBackendId}`,
    ac: JSON.stringify(scopes.map((s) => ({ Scope: s.scope, Permission: s.permission }))),
    exp: Math.floor(Date.now() / 1000) + 3600
  }
  return `${encode({ typ: 'JWT', alg: 'none' })}.${encode(payload)}.fake`
}

function tokenClaims(authorization: string | undefined): Claims | undefined {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1]
  if (!token) return undefined
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { scp?: string; ac?: string }
    const results = payload.scp
      ?.split(' ')
      .find((part) => part.startsWith('Actions.Results:'))
      ?.split(':')
    if (!results || results.length !== 3) return undefined
    const scopes = (JSON.parse(payload.ac ?? '[]') as Array<{ Scope: string; Permission: 1 | 2 | 3 }>).map((s) => ({
      scope: s.Scope,
      permission: s.Permission
    }))
    return { runBackendId: results[1]!, jobBackendId: results[2]!, scopes }
  } catch {
    return undefined
  }
}

function isExpired(artifact: FakeArtifact): boolean {
  return artifact.expiresAt !== undefined && Date.parse(artifact.expiresAt) < Date.now()
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text)
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks)))
    request.on('error', reject)
  })
}
