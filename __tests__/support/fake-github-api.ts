/**
 * A local fake of the GitHub REST API on 127.0.0.1 (node:http), reached by the real Octokit from @actions/github
 * when GITHUB_API_URL points at it. It keeps issue comments (list, create, update, delete), commit comments and pull
 * requests in memory, pages lists with Link headers as GitHub does, records every request, and injects failures per
 * route.
 *
 * Other tests add routes with `route(method, pattern, handler)`; a pattern is a path with `:name` segments.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { zipFiles } from './zip.js'

export interface RecordedRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  body: unknown
}

export interface FakeResponse {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export type RouteHandler = (request: RecordedRequest, params: Record<string, string>) => FakeResponse | Promise<FakeResponse>

export interface FakeComment {
  id: number
  body: string
  user: { login: string; type: string }
  html_url: string
  created_at: string
  updated_at: string
}

/** A failure to inject: answer the next `times` matching requests with this status (and GitHub's usual body). */
export interface InjectedFailure {
  status: number
  times?: number
  message?: string
  headers?: Record<string, string>
}

/**
 * Transient faults as GitHub produces them, each answering one request:
 * - rate-limit-once: 403 "API rate limit exceeded" with x-ratelimit-remaining: 0 and x-ratelimit-reset 1 s ahead;
 * - api-5xx-once: 502 Bad Gateway.
 */
export type TransientFault = 'rate-limit-once' | 'api-5xx-once'

export function transientFailure(fault: TransientFault): InjectedFailure {
  if (fault === 'api-5xx-once') return { status: 502, message: 'Server Error' }
  return {
    status: 403,
    message: 'API rate limit exceeded for installation ID 1.',
    headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1) }
  }
}

export const BOT_LOGIN = 'github-actions[bot]'
/** GitHub's documented limit for an issue comment body. */
export const COMMENT_BODY_LIMIT = 65_536

interface Route {
  method: string
  regex: RegExp
  names: string[]
  pattern: string
  handler: RouteHandler
}

export class FakeGitHubApi {
  readonly requests: RecordedRequest[] = []
  /** Issue (PR) comments by issue number. */
  readonly issueComments = new Map<number, FakeComment[]>()
  readonly commitComments: Array<FakeComment & { sha: string }> = []
  /** Pull requests by number: what GET /repos/{o}/{r}/pulls/{n} answers. */
  readonly pulls = new Map<number, { number: number; head: { sha: string; ref?: string; repo: { full_name: string } | null }; state: string }>()
  /** Workflow run artifacts: GET .../actions/runs/{id}/artifacts lists them; .../artifacts/{id}/zip redirects to a ZIP. */
  readonly artifacts: Array<{ id: number; runId: number; name: string; zip: Buffer; created_at: string }> = []
  /** Page size the list endpoints use when the client does not ask (GitHub's default is 30). */
  defaultPerPage = 30
  private readonly routes: Route[] = []
  private readonly failures = new Map<string, InjectedFailure[]>()
  private nextId = 1000
  private everyPathFault: TransientFault | undefined
  private readonly faultedRoutes = new Set<string>()
  private server: Server | undefined
  private baseUrl = ''

  constructor(readonly repository = 'octo/shop') {
    const repo = '/repos/:owner/:repo'
    this.route('GET', `${repo}/issues/:number/comments`, (request, params) => this.listComments(request, Number(params.number)))
    this.route('POST', `${repo}/issues/:number/comments`, (request, params) => this.createComment(request, Number(params.number)))
    this.route('PATCH', `${repo}/issues/comments/:id`, (request, params) => this.updateComment(request, Number(params.id)))
    this.route('DELETE', `${repo}/issues/comments/:id`, (_request, params) => this.deleteComment(Number(params.id)))
    this.route('POST', `${repo}/commits/:sha/comments`, (request, params) => this.createCommitComment(request, params.sha!))
    this.route('GET', `${repo}/commits/:sha/comments`, (request, params) =>
      this.page(
        request,
        this.commitComments.filter((c) => c.sha === params.sha)
      )
    )
    this.route('PATCH', `${repo}/comments/:id`, (request, params) => {
      const comment = this.commitComments.find((c) => c.id === Number(params.id))
      const body = bodyOf(request)
      if (!comment) return notFound()
      if (body === undefined) return validationFailed('body is missing')
      if (body.length > COMMENT_BODY_LIMIT) return tooLong()
      Object.assign(comment, { body, updated_at: new Date().toISOString() })
      return { status: 200, body: comment }
    })
    this.route('GET', `${repo}/actions/runs/:run/artifacts`, (request, params) => {
      const name = request.query.get('name')
      const found = this.artifacts.filter((a) => a.runId === Number(params.run) && (name === null || a.name === name))
      const artifacts = found.map((a) => ({ id: a.id, name: a.name, size_in_bytes: a.zip.length, expired: false, created_at: a.created_at }))
      return { status: 200, body: { total_count: artifacts.length, artifacts } }
    })
    this.route('GET', `${repo}/actions/artifacts/:id/:format`, (_request, params) => {
      const artifact = this.artifacts.find((a) => a.id === Number(params.id))
      if (!artifact) return notFound()
      // GitHub answers with a redirect to a signed blob URL.
      return { status: 302, headers: { location: `${this.baseUrl}/blob/artifact-${artifact.id}.zip?sig=signed` } }
    })
    this.route('GET', '/blob/:file', (_request, params) => {
      const artifact = this.artifacts.find((a) => `artifact-${a.id}.zip` === params.file)
      return artifact ? { status: 200, body: artifact.zip, headers: { 'content-type': 'application/zip' } } : notFound()
    })
    this.route('GET', `${repo}/pulls/:number`, (_request, params) => {
      const pull = this.pulls.get(Number(params.number))
      return pull ? { status: 200, body: pull } : notFound()
    })
  }

  /** Adds an artifact to a workflow run: files (zipped as GitHub serves them) or the ZIP an upload produced. */
  addArtifact(runId: number, name: string, content: Record<string, string> | Buffer): number {
    const id = this.nextId++
    const zip = Buffer.isBuffer(content) ? content : zipFiles(content)
    this.artifacts.push({ id, runId, name, zip, created_at: new Date().toISOString() })
    return id
  }

  /** Adds (or overrides: later routes win) a handler for `method` and a path pattern with `:name` segments. */
  route(method: string, pattern: string, handler: RouteHandler): void {
    const names: string[] = []
    const source = pattern
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        names.push(segment.slice(1))
        return '([^/]+)'
      })
      .join('/')
    this.routes.unshift({ method: method.toUpperCase(), regex: new RegExp(`^${source}$`), names, pattern, handler })
  }

  /** Makes the next request(s) to `method pattern` (as given to route()) fail; failures queue in order. */
  fail(method: string, pattern: string, failure: InjectedFailure): void {
    const key = `${method.toUpperCase()} ${pattern}`
    this.failures.set(key, [...(this.failures.get(key) ?? []), { times: 1, ...failure }])
  }

  /** Injects `fault` once on `method pattern` (as given to route()). */
  fault(fault: TransientFault, method: string, pattern: string): void {
    this.fail(method, pattern, transientFailure(fault))
  }

  /** Injects `fault` once on every route: the first request to each path fails, the retry must succeed. */
  faultEveryPath(fault: TransientFault | undefined): void {
    this.everyPathFault = fault
    this.faultedRoutes.clear()
  }

  /** Adds a comment as if someone had posted it already (e.g. a user pasting our marker). */
  seedComment(issue: number, body: string, login = BOT_LOGIN): FakeComment {
    const comment = this.makeComment(issue, body, login)
    this.issueComments.set(issue, [...(this.issueComments.get(issue) ?? []), comment])
    return comment
  }

  /** Requests whose method and path match, e.g. ('POST', /\/issues\/7\/comments$/). */
  requestsTo(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method && path.test(request.path))
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json' })
        response.end(JSON.stringify({ message: `fake API crashed: ${String(error)}` }))
      })
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this.baseUrl
  }

  get url(): string {
    return this.baseUrl
  }

  async stop(): Promise<void> {
    if (!this.server) return
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server!.close(() => resolve()))
  }

  private async handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of incoming) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    const url = new URL(incoming.url ?? '/', 'http://127.0.0.1')
    let body: unknown = undefined
    if (text) {
      try {
        body = JSON.parse(text)
      } catch {
        body = text
      }
    }
    const request: RecordedRequest = { method: incoming.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: incoming.headers, body }
    this.requests.push(request)
    const answer = await this.dispatch(request)
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', ...answer.headers }
    response.writeHead(answer.status, headers)
    if (Buffer.isBuffer(answer.body)) response.end(answer.body)
    else
      response.end(
        answer.body === undefined
          ? ''
          : typeof answer.body === 'string' && !headers['content-type']!.includes('json')
            ? answer.body
            : JSON.stringify(answer.body)
      )
  }

  private async dispatch(request: RecordedRequest): Promise<FakeResponse> {
    for (const route of this.routes) {
      if (route.method !== request.method) continue
      const match = route.regex.exec(request.path)
      if (!match) continue
      const key = `${route.method} ${route.pattern}`
      // The signed blob URL is not the REST API (it is storage): no API faults there.
      if (this.everyPathFault && !this.faultedRoutes.has(key) && !route.pattern.startsWith('/blob/')) {
        this.faultedRoutes.add(key)
        this.fail(route.method, route.pattern, transientFailure(this.everyPathFault))
      }
      const injected = this.takeFailure(key)
      if (injected) return injected
      const params = Object.fromEntries(route.names.map((name, index) => [name, decodeURIComponent(match[index + 1]!)]))
      return route.handler(request, params)
    }
    return notFound()
  }

  private takeFailure(key: string): FakeResponse | undefined {
    const queue = this.failures.get(key)
    const failure = queue?.[0]
    if (!failure) return undefined
    failure.times = (failure.times ?? 1) - 1
    if (failure.times <= 0) queue.shift()
    const message =
      failure.message ?? (failure.status === 403 ? 'Resource not accessible by integration' : failure.status >= 500 ? 'Server Error' : 'Validation Failed')
    const headers = failure.headers ? { headers: { ...failure.headers } } : {}
    return { status: failure.status, body: { message, documentation_url: 'https://docs.github.com/rest', status: String(failure.status) }, ...headers }
  }

  private listComments(request: RecordedRequest, issue: number): FakeResponse {
    return this.page(request, this.issueComments.get(issue) ?? [])
  }

  /** One page of a list, with GitHub's Link header (per_page up to 100, default `defaultPerPage`). */
  private page(request: RecordedRequest, all: unknown[]): FakeResponse {
    const perPage = Math.min(100, Number(request.query.get('per_page') ?? this.defaultPerPage) || this.defaultPerPage)
    const page = Math.max(1, Number(request.query.get('page') ?? 1) || 1)
    const lastPage = Math.max(1, Math.ceil(all.length / perPage))
    const links: string[] = []
    const link = (n: number, rel: string): string => {
      const query = new URLSearchParams(request.query)
      query.set('page', String(n))
      query.set('per_page', String(perPage))
      return `<${this.baseUrl}${request.path}?${query.toString()}>; rel="${rel}"`
    }
    if (page < lastPage) links.push(link(page + 1, 'next'), link(lastPage, 'last'))
    if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'))
    return { status: 200, body: all.slice((page - 1) * perPage, page * perPage), headers: links.length > 0 ? { link: links.join(', ') } : {} }
  }

  private createComment(request: RecordedRequest, issue: number): FakeResponse {
    const body = bodyOf(request)
    if (body === undefined) return validationFailed('body is missing')
    if (body.length > COMMENT_BODY_LIMIT) return tooLong()
    return { status: 201, body: this.seedComment(issue, body) }
  }

  private updateComment(request: RecordedRequest, id: number): FakeResponse {
    const body = bodyOf(request)
    if (body === undefined) return validationFailed('body is missing')
    if (body.length > COMMENT_BODY_LIMIT) return tooLong()
    for (const comments of this.issueComments.values()) {
      const comment = comments.find((c) => c.id === id)
      if (comment) {
        comment.body = body
        comment.updated_at = new Date().toISOString()
        return { status: 200, body: comment }
      }
    }
    return notFound()
  }

  private deleteComment(id: number): FakeResponse {
    for (const [issue, comments] of this.issueComments) {
      if (comments.some((c) => c.id === id)) {
        this.issueComments.set(
          issue,
          comments.filter((c) => c.id !== id)
        )
        return { status: 204 }
      }
    }
    return notFound()
  }

  private createCommitComment(request: RecordedRequest, sha: string): FakeResponse {
    const body = bodyOf(request)
    if (body === undefined) return validationFailed('body is missing')
    if (body.length > COMMENT_BODY_LIMIT) return tooLong()
    const comment = { ...this.makeComment(0, body, BOT_LOGIN), sha }
    comment.html_url = `https://github.com/${this.repository}/commit/${sha}#commitcomment-${comment.id}`
    this.commitComments.push(comment)
    return { status: 201, body: comment }
  }

  private makeComment(issue: number, body: string, login: string): FakeComment {
    const id = this.nextId++
    const now = new Date().toISOString()
    return {
      id,
      body,
      user: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' },
      html_url: `https://github.com/${this.repository}/pull/${issue}#issuecomment-${id}`,
      created_at: now,
      updated_at: now
    }
  }
}

function bodyOf(request: RecordedRequest): string | undefined {
  const body = (request.body as { body?: unknown } | undefined)?.body
  return typeof body === 'string' ? body : undefined
}

function notFound(): FakeResponse {
  return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } }
}

function validationFailed(message: string): FakeResponse {
  return { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message }] } }
}

function tooLong(): FakeResponse {
  return validationFailed(`body is too long (maximum is ${COMMENT_BODY_LIMIT} characters)`)
}
