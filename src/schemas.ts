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

// ajv-formats is CommonJS with a default export; under ESM interop the function may sit one level down.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv
) => Ajv

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true })
addFormats(ajv)
ajv.addSchema(resultsSchema)
ajv.addSchema(configSchema)

const validators = {
  config: ajv.getSchema(configSchema.$id) as ValidateFunction,
  results: ajv.getSchema(resultsSchema.$id) as ValidateFunction,
  report: ajv.compile(reportSchema),
  baseline: ajv.compile(baselineSchema)
}

const thresholdsValidator = ajv.compile({ $ref: `${configSchema.$id}#/definitions/thresholds` })

export type SchemaName = keyof typeof validators

/** One schema violation: the JSON pointer of the offending field and a readable sentence that starts with it. */
export interface SchemaProblem {
  pointer: string
  message: string
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
  // anyOf/oneOf failures repeat every branch's complaint; keep the most specific (deepest) ones.
  const deepest = Math.max(...errors.map((e) => e.instancePath.split('/').length))
  const relevant = errors.filter(
    (e) => !['anyOf', 'oneOf', 'if'].includes(e.keyword) || e.instancePath.split('/').length === deepest
  )
  const seen = new Set<string>()
  const problems: SchemaProblem[] = []
  for (const error of relevant) {
    const message = describeError(error, data)
    if (!seen.has(message)) problems.push({ pointer: error.instancePath, message })
    seen.add(message)
  }
  return problems.slice(0, 20)
}

function describeError(error: ErrorObject, data: unknown): string {
  const path = error.instancePath || '/'
  const value = valueAt(data, error.instancePath)
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys((error.parentSchema as { properties?: object })?.properties ?? {})
      const where = error.instancePath || '(top level)'
      return `${where}: unknown key "${String(params.additionalProperty)}"${allowed.length ? `; allowed: ${allowed.join(', ')}` : ''}`
    }
    case 'required':
      return `${path}: missing required key "${String(params.missingProperty)}"`
    case 'enum':
      return `${path}: ${show(value)} is not allowed; allowed: ${(params.allowedValues as unknown[]).map(show).join(', ')}`
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
