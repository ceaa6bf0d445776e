/**
 * The published JSON schemas and one validator per schema. Messages name the JSON path of the offending field,
 * the bad value and what is allowed, so that a user can fix a file without reading the schema.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import configSchema from '../schemas/config.schema.json' with { type: 'json' }
import resultsSchema from '../schemas/results.schema.json' with { type: 'json' }
import reportSchema from '../schemas/report.schema.json' with { type: 'json' }
import baselineSchema from '../schemas/baseline.schema.json' with { type: 'json' }
import shardSchema from '../schemas/shard.schema.json' with { type: 'json' }
import { closestName } from './closest-name.js'

// ajv-formats is CommonJS with a default export; under ESM interop the function may sit one level down.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv

// strictRequired is off because `anyOf: [{required: [a]}, {required: [b]}]` (one of two keys) is intended.
const AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true } as const
const ajv = new Ajv(AJV_OPTIONS)
addFormats(ajv)
ajv.addSchema(resultsSchema)
ajv.addSchema(configSchema)

const validators = {
  config: ajv.getSchema(configSchema.$id) as ValidateFunction,
  results: ajv.getSchema(resultsSchema.$id) as ValidateFunction,
  report: ajv.compile(reportSchema),
  baseline: ajv.compile(baselineSchema),
  shard: ajv.compile(shardSchema)
}

// A report made by a newer perf-gate (the pull_request run may use a newer release than the workflow_run workflow
// that posts it) may carry fields this version does not know. Dropping them where the schema closes an object keeps
// the comment working across an upgrade; what remains must still match this version's schema in full, and the
// renderer reads only known fields.
let reportWithoutUnknownFields: ValidateFunction | undefined

/** Validates a report from another run after removing fields unknown to this version (it mutates `data`). */
export function foreignReportProblems(data: unknown): SchemaProblem[] {
  if (!reportWithoutUnknownFields) {
    const lenient = new Ajv({ ...AJV_OPTIONS, removeAdditional: true })
    addFormats(lenient)
    lenient.addSchema(resultsSchema)
    reportWithoutUnknownFields = lenient.compile(reportSchema)
  }
  if (reportWithoutUnknownFields(data)) return []
  return describeErrors(reportWithoutUnknownFields.errors ?? [], data)
}

const thresholdsValidator = ajv.compile({ $ref: `${configSchema.$id}#/definitions/thresholds` })

export type SchemaName = keyof typeof validators

/** One schema violation: the JSON pointer of the offending field and a readable sentence that starts with it. */
export interface SchemaProblem {
  pointer: string
  message: string
  /** For an unknown key: the key, so that a caller can point at its line. */
  key?: string
}

/** Validates data against a named schema; returns readable problems (empty when valid). */
export function schemaProblems(schema: SchemaName, data: unknown): SchemaProblem[] {
  const validate = validators[schema]
  if (validate(data)) return []
  return describeErrors(validate.errors ?? [], data)
}

/** Validates against the config schema's definition of a thresholds map (for inline thresholds). */
export function thresholdsProblems(data: unknown): SchemaProblem[] {
  const validate = thresholdsValidator
  if (validate(data)) return []
  return describeErrors(validate.errors ?? [], data)
}

function describeErrors(errors: ErrorObject[], data: unknown): SchemaProblem[] {
  // Errors at one path: a specific complaint (pattern, enum, unknown key...) makes the generic ones noise, i.e. the
  // "must be number/array/object" of the anyOf branches the value was never meant for.
  const byPath = new Map<string, ErrorObject[]>()
  for (const error of errors) byPath.set(error.instancePath, [...(byPath.get(error.instancePath) ?? []), error])
  const generic = new Set(['type', 'anyOf', 'oneOf', 'if'])
  const problems: SchemaProblem[] = []
  const seen = new Set<string>()
  const add = (pointer: string, message: string, key?: string): void => {
    if (!seen.has(message)) problems.push(key === undefined ? { pointer, message } : { pointer, message, key })
    seen.add(message)
  }
  for (const [pointer, group] of byPath) {
    const alternatives = missingAlternatives(group)
    if (alternatives) add(pointer, alternatives)
    const specific = group.filter((error) => !generic.has(error.keyword) && !(alternatives && isAlternativeRequired(error)))
    if (specific.length > 0 || alternatives) {
      for (const error of specific) {
        const unknownKey = error.keyword === 'additionalProperties' ? String((error.params as { additionalProperty: unknown }).additionalProperty) : undefined
        add(pointer, describeError(error, data), unknownKey)
      }
      continue
    }
    const types = [...new Set(group.filter((e) => e.keyword === 'type').map((e) => String((e.params as { type: unknown }).type)))]
    if (types.length > 0) add(pointer, `${pointer || '/'}: expected ${types.join(' or ')}, got ${show(valueAt(data, pointer))}`)
    else for (const error of group) add(pointer, describeError(error, data))
  }
  // A child's complaint explains its parent's anyOf failure; drop parents whose children spoke.
  return problems
    .filter(
      (problem) =>
        !problems.some((other) => other !== problem && other.pointer.startsWith(`${problem.pointer}/`) && /anyOf|must match a schema/.test(problem.message))
    )
    .slice(0, 20)
}

/** A `required` inside one branch of an anyOf/oneOf: one of several keys will do. */
function isAlternativeRequired(error: ErrorObject): boolean {
  return error.keyword === 'required' && /\/(anyOf|oneOf)\/\d+\/required$/.test(error.schemaPath)
}

/**
 * "needs one of …" for an object that has none of the keys an anyOf accepts (a load scenario without endpoints or
 * websocket), instead of one "missing required key" line per branch, as if both were needed.
 */
function missingAlternatives(group: ErrorObject[]): string | undefined {
  const missing = group.filter(isAlternativeRequired)
  if (missing.length < 2) return undefined
  const keys = [...new Set(missing.map((error) => `"${String((error.params as { missingProperty: unknown }).missingProperty)}"`))]
  // The schema that holds the anyOf says what the alternatives mean.
  const branches = missing[0]!.schemaPath.replace(/\/\d+\/required$/, '')
  const holder = group.find((error) => (error.keyword === 'anyOf' || error.keyword === 'oneOf') && error.schemaPath === branches)
  const described = (holder?.parentSchema as { description?: string } | undefined)?.description
  const path = missing[0]!.instancePath || '/'
  return `${path}: needs one of the keys ${keys.slice(0, -1).join(', ')} or ${keys.at(-1)!}${described ? ` (${described})` : ''}`
}

function describeError(error: ErrorObject, data: unknown): string {
  const path = error.instancePath || '/'
  const value = valueAt(data, error.instancePath)
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys((error.parentSchema as { properties?: object })?.properties ?? {})
      const where = error.instancePath || '(top level)'
      const key = String(params.additionalProperty)
      return `${where}: unknown key "${key}"${didYouMean(key, allowed)}${allowed.length ? `; allowed: ${allowed.join(', ')}` : ''}`
    }
    case 'required':
      return `${path}: missing required key "${String(params.missingProperty)}"`
    case 'enum': {
      const allowed = params.allowedValues as unknown[]
      const near =
        typeof value === 'string'
          ? didYouMean(
              value,
              allowed.filter((option): option is string => typeof option === 'string')
            )
          : ''
      return `${path}: ${show(value)} is not allowed${near}; allowed: ${allowed.map(show).join(', ')}`
    }
    case 'const':
      return `${path}: ${show(value)} is not allowed; expected ${show(params.allowedValue)}`
    case 'type':
      return `${path}: expected ${String(params.type)}, got ${show(value)}`
    case 'pattern': {
      const hint = (error.parentSchema as { description?: string })?.description
      return `${path}: ${show(value)} is not valid${hint ? ` (${hint})` : ` (must match ${String(params.pattern)})`}`
    }
    default:
      return `${path}: ${show(value)} ${error.message ?? 'is invalid'}`
  }
}

/** ` (did you mean "suites"?)` for a key or value near an allowed one, else ''. */
function didYouMean(written: string, allowed: readonly string[]): string {
  const near = closestName(written, allowed)
  return near ? ` (did you mean "${near}"?)` : ''
}

function valueAt(data: unknown, pointer: string): unknown {
  let node: unknown = data
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing'
  const text = JSON.stringify(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}
