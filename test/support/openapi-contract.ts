import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { parse } from 'yaml';

/**
 * Ping's own OpenAPI documents (test/contract/openapi, copied from the reference) as a contract for one
 * HTTP exchange with PingOne: does the operation exist, are its parameters and request body what the
 * operation takes, is the status one it documents, and is the answer's body what it documents for
 * that status?
 *
 * Both documents are parsed once per process; each schema is compiled the first time an exchange
 * needs it, by a `$ref` into the whole document, so the documents' own `#/components/...` references
 * resolve as Ping wrote them. Headers are not part of an exchange, so header parameters are not checked.
 */

/** One request and its answer; `path` is under /v1 (with or without that prefix), with its query. */
export interface Exchange {
  method: string;
  path: string;
  requestContentType?: string | undefined;
  requestBody?: unknown;
  status: number;
  responseContentType?: string | undefined;
  responseBody?: unknown;
}

export interface Violation {
  /** The operation the exchange was matched to; undefined when it matched none. */
  operationId: string | undefined;
  /** Which part of the exchange: `operation`, `query limit`, `path flowID`, `request body`, `status`, `response 200 body`. */
  where: string;
  /** A JSON path into the body (`$._embedded.flows[0].name`), when the violation is inside one. */
  at?: string;
  message: string;
}

export function formatViolation(violation: Violation): string {
  const at = violation.at ? ` ${violation.at}` : '';
  return `${violation.operationId ?? '(no operation)'} ${violation.where}${at}: ${violation.message}`;
}

/** The contract of both documents, loaded on first use. */
export function pingOneContract(): OpenApiContract {
  loaded ??= OpenApiContract.load([
    // First, because it is the newer document (2026) and both describe /environments: where a path is
    // in both, this one's operations are the contract.
    { name: 'pingone-platform-davinci', dialect: '2020-12' },
    { name: 'pingone-management', dialect: 'draft-07' },
  ]);
  return loaded;
}

export function checkExchange(exchange: Exchange): Violation[] {
  return pingOneContract().check(exchange);
}

let loaded: OpenApiContract | undefined;

// A copy kept in the repository (with the licences it came under), so a fresh clone tests on its own.
const referenceDir = resolve(import.meta.dirname, '../contract/openapi');
const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;
const longest = 60;

interface Reference {
  $ref: string;
}
interface ParameterObject {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required?: boolean;
  schema?: unknown;
  explode?: boolean;
}
interface MediaTypeObject {
  schema?: unknown;
}
interface RequestBodyObject {
  required?: boolean;
  content?: Record<string, MediaTypeObject>;
}
interface ResponseObject {
  content?: Record<string, MediaTypeObject>;
}
interface OperationObject {
  operationId?: string;
  parameters?: (ParameterObject | Reference)[];
  requestBody?: RequestBodyObject | Reference;
  responses?: Record<string, ResponseObject | Reference>;
}
type PathItem = Partial<Record<(typeof methods)[number], OperationObject>> & {
  parameters?: (ParameterObject | Reference)[];
};
interface OpenApiDocument {
  paths: Record<string, PathItem>;
}

/** A place in a document, as the segments of a JSON pointer (unescaped). */
type Pointer = readonly string[];

interface Located<T> {
  value: T;
  at: Pointer;
}

interface Operation {
  id: string;
  method: string;
  /** The path key without its action fragment: `/environments/{environmentID}/flows/{flowID}`. */
  template: string;
  pattern: RegExp;
  pathNames: string[];
  /** More literal text wins when two templates match one path (`/a/b` over `/a/{id}`). */
  literalLength: number;
  document: SpecDocument;
  parameters: Located<ParameterObject>[];
  requestBody: Located<RequestBodyObject> | undefined;
  requestTypes: string[];
  responses: Record<string, ResponseObject | Reference>;
  at: Pointer;
}

type Validator = Ajv | Ajv2020;

class SpecDocument {
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly inline = new WeakMap<object, ValidateFunction>();

  constructor(
    readonly name: string,
    /** The `$id` the document is added under; every `$ref` into it starts with this. */
    readonly id: string,
    readonly doc: OpenApiDocument,
    private readonly ajv: Validator,
  ) {}

  get(at: Pointer): unknown {
    let node: unknown = this.doc;
    for (const segment of at) node = (node as Record<string, unknown> | undefined)?.[segment];
    return node;
  }

  /** Follows `$ref`s (to `#/components/...`) until an object that is not one. */
  resolve<T>(node: T | Reference, at: Pointer): Located<T> {
    let value: unknown = node;
    let where = at;
    for (let hops = 0; isReference(value); hops++) {
      if (hops > 20) throw new Error(`${this.name}: $ref loop at ${where.join('/')}`);
      where = pointerOf(value.$ref);
      value = this.get(where);
    }
    return { value: value as T, at: where };
  }

  /** The validator of the schema at `at`, compiled as a `$ref` into the document. */
  validator(at: Pointer): ValidateFunction {
    const ref = `${this.id}#${fragmentOf(at)}`;
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
    return validate;
  }

  /**
   * The validator of a schema met as a value (an anyOf branch in an error): its `#/...` references
   * are made absolute so they still point into this document.
   */
  validatorOf(schema: object): ValidateFunction {
    let validate = this.inline.get(schema);
    if (!validate) {
      const absolute = JSON.parse(JSON.stringify(schema), (key, value: unknown) =>
        key === '$ref' && typeof value === 'string' && value.startsWith('#') ? `${this.id}${value}` : value,
      ) as object;
      validate = this.ajv.compile(absolute);
      this.inline.set(schema, validate);
    }
    return validate;
  }
}

export class OpenApiContract {
  private constructor(
    private readonly documents: SpecDocument[],
    private readonly operations: Operation[],
    /** How long parsing and indexing both documents took, in ms (schemas compile later, on use). */
    readonly loadMs: number,
  ) {}

  static load(sources: { name: string; dialect: '2020-12' | 'draft-07' }[]): OpenApiContract {
    const started = performance.now();
    const documents = sources.map(({ name, dialect }) => {
      const doc = parse(
        readFileSync(resolve(referenceDir, `${name}.openapi.yaml`), 'utf8'),
      ) as OpenApiDocument;
      oneOfAsAnyOf(doc);
      // validateSchema off: the whole OpenAPI document is added as one schema, and judging it against
      // the JSON Schema meta-schema would test Ping's document, not the exchange. verbose: an anyOf
      // error then carries its branches and the value, which explain() needs to pick the closest branch.
      const options = { strict: false, validateSchema: false, allErrors: true, verbose: true } as const;
      const ajv = dialect === '2020-12' ? new Ajv2020(options) : new Ajv(options);
      // ajv-formats is CommonJS: under NodeNext its default import is the module, its plugin is `.default`.
      formats.default(ajv);
      // Number and date encodings of Ping's code generator: hints for generated clients, which ask
      // nothing of a value that its `type` does not already.
      for (const hint of ['float64', 'bigFloatUnquoted', 'unix-date-time']) ajv.addFormat(hint, true);
      const id = `https://flightiq.test/openapi/${name}.json`;
      ajv.addSchema(doc as object, id);
      return new SpecDocument(name, id, doc, ajv);
    });
    const operations = documents.flatMap(indexOperations);
    return new OpenApiContract(documents, operations, Math.round(performance.now() - started));
  }

  /** Whether some operation of the documents has this operationId. */
  has(operationId: string): boolean {
    return this.operations.some((operation) => operation.id === operationId);
  }

  /** The operationId the exchange is matched to, if any. */
  operationOf(exchange: Exchange): string | undefined {
    const found = this.find(exchange);
    return 'operation' in found ? found.operation.id : undefined;
  }

  check(exchange: Exchange): Violation[] {
    const found = this.find(exchange);
    if (!('operation' in found))
      return [{ operationId: undefined, where: 'operation', message: found.missing }];
    const { operation, pathname, query } = found;
    const violations = [
      ...this.checkParameters(operation, pathname, query),
      ...this.checkRequestBody(operation, exchange),
      ...this.checkResponse(operation, exchange),
    ];
    const seen = new Set<string>();
    return violations.filter((violation) => {
      const key = formatViolation(violation);
      return !seen.has(key) && seen.add(key);
    });
  }

  private find(
    exchange: Exchange,
  ): { operation: Operation; pathname: string; query: URLSearchParams } | { missing: string } {
    const url = new URL(exchange.path, 'http://pingone.invalid');
    const pathname = url.pathname.replace(/^\/v1(?=\/)/, '');
    const method = exchange.method.toLowerCase();
    const said = `${exchange.method} ${pathname}`;
    let matches: Operation[] = [];
    // The first document with this method and path decides (see pingOneContract for the order).
    for (const document of this.documents) {
      matches = this.operations.filter(
        (op) => op.document === document && op.method === method && op.pattern.test(pathname),
      );
      if (matches.length > 0) break;
    }
    if (matches.length === 0) return { missing: `neither document has an operation for ${said}` };
    const most = Math.max(...matches.map((op) => op.literalLength));
    matches = matches.filter((op) => op.literalLength === most);
    let operation = matches[0];
    if (matches.length > 1) {
      // Action endpoints share a path and method; the request's content type chooses the action.
      const type = mediaType(exchange.requestContentType);
      operation = matches.find((op) => type !== undefined && op.requestTypes.includes(type));
      if (!operation) {
        const actions = matches.map((op) => `${op.id} (${op.requestTypes.join(', ')})`).join(', ');
        return {
          missing: `no operation for ${said} takes ${type ?? 'no content type'}; there are ${actions}`,
        };
      }
    }
    if (!operation) return { missing: `neither document has an operation for ${said}` };
    return { operation, pathname, query: url.searchParams };
  }

  private checkParameters(operation: Operation, pathname: string, query: URLSearchParams): Violation[] {
    const violations: Violation[] = [];
    const add = (where: string, message: string, at?: string) =>
      violations.push({ operationId: operation.id, where, message, ...(at ? { at } : {}) });
    const values = operation.pattern.exec(pathname)?.slice(1) ?? [];
    for (const [i, name] of operation.pathNames.entries()) {
      const parameter = operation.parameters.find((p) => p.value.in === 'path' && p.value.name === name);
      if (!parameter) continue;
      const value = decodeURIComponent(values[i] ?? '');
      for (const finding of this.validate(operation.document, parameter, [value]))
        add(`path ${name}`, finding.message);
    }
    const queryParameters = operation.parameters.filter((p) => p.value.in === 'query');
    for (const name of new Set(query.keys())) {
      const parameter = queryParameters.find((p) => p.value.name === name);
      if (!parameter) {
        const known = queryParameters.map((p) => p.value.name).join(', ') || 'none';
        add(`query ${name}`, `is not a parameter of this operation (it takes: ${known})`);
        continue;
      }
      for (const finding of this.validate(operation.document, parameter, query.getAll(name)))
        add(`query ${name}`, finding.message, finding.at === '$' ? undefined : finding.at);
    }
    for (const { value } of queryParameters) {
      if (value.required && !query.has(value.name)) add(`query ${value.name}`, 'is required');
    }
    return violations;
  }

  /** A parameter's values (text on the wire) against its schema, read as the type the schema names. */
  private validate(document: SpecDocument, parameter: Located<ParameterObject>, texts: string[]): Finding[] {
    const schemaAt = [...parameter.at, 'schema'];
    const schema = document.resolve<Record<string, unknown>>(
      parameter.value.schema as Record<string, unknown>,
      schemaAt,
    ).value;
    if (!schema) return [];
    let value: unknown;
    if (schema.type === 'array') {
      const items = document.resolve<Record<string, unknown>>(
        (schema.items ?? {}) as Record<string, unknown>,
        [...schemaAt, 'items'],
      ).value;
      const split = parameter.value.explode === false ? texts.flatMap((text) => text.split(',')) : texts;
      value = split.map((text) => typed(text, items?.type));
    } else if (texts.length > 1) {
      return [{ at: '$', message: `is given ${texts.length} times but takes one value` }];
    } else {
      value = typed(texts[0] ?? '', schema.type);
    }
    return this.findings(document, schemaAt, value);
  }

  private checkRequestBody(operation: Operation, exchange: Exchange): Violation[] {
    const add = (where: string, message: string, at?: string): Violation => ({
      operationId: operation.id,
      where,
      message,
      ...(at ? { at } : {}),
    });
    const present = exchange.requestBody !== undefined;
    const body = operation.requestBody;
    if (!body) return present ? [add('request body', 'is sent, but the operation takes none')] : [];
    if (!present) return body.value.required ? [add('request body', 'is required but was not sent')] : [];
    const type = mediaType(exchange.requestContentType);
    const listed = Object.keys(body.value.content ?? {});
    const chosen = pickMediaType(listed, type, false);
    if (!chosen) {
      return [add('request content type', `${type ?? 'none'} is not one of ${listed.join(', ')}`)];
    }
    if (body.value.content?.[chosen]?.schema === undefined) return [];
    return this.findings(
      operation.document,
      [...body.at, 'content', chosen, 'schema'],
      exchange.requestBody,
    ).map((finding) => add('request body', finding.message, finding.at));
  }

  private checkResponse(operation: Operation, exchange: Exchange): Violation[] {
    const { status } = exchange;
    const add = (where: string, message: string, at?: string): Violation => ({
      operationId: operation.id,
      where,
      message,
      ...(at ? { at } : {}),
    });
    const documented = Object.keys(operation.responses);
    const key = [
      String(status),
      `${Math.floor(status / 100)}XX`,
      `${Math.floor(status / 100)}xx`,
      'default',
    ].find((candidate) => candidate in operation.responses);
    if (!key)
      return [
        add('status', `${status} is not an answer of this operation (it lists ${documented.join(', ')})`),
      ];
    const response = operation.document.resolve<ResponseObject>(
      operation.responses[key] as ResponseObject | Reference,
      [...operation.at, 'responses', key],
    );
    const where = `response ${status} body`;
    const present = exchange.responseBody !== undefined;
    const listed = Object.keys(response.value.content ?? {});
    if (listed.length === 0) return present ? [add(where, 'is sent, but the operation documents none')] : [];
    const type = mediaType(exchange.responseContentType);
    const chosen = pickMediaType(listed, type, true);
    if (!chosen) {
      return [add(`response ${status} content type`, `${type ?? 'none'} is not one of ${listed.join(', ')}`)];
    }
    if (response.value.content?.[chosen]?.schema === undefined) return [];
    if (!present) return [add(where, 'is missing')];
    return this.findings(
      operation.document,
      [...response.at, 'content', chosen, 'schema'],
      exchange.responseBody,
    ).map((finding) => add(where, finding.message, finding.at));
  }

  private findings(document: SpecDocument, at: Pointer, data: unknown): Finding[] {
    const validate = document.validator(at);
    if (validate(data)) return [];
    return explain(document, validate.errors ?? [], '');
  }
}

interface Finding {
  at: string;
  message: string;
}

/**
 * ajv's errors, made readable. A failed anyOf comes with the errors of every branch, most of them
 * about branches the value was never meant to be; only the closest branch's errors (fewest) are kept.
 * ajv reports a failed anyOf after its branches' errors, and evaluates anyOf before the keywords that
 * look inside the value, so the errors inside the value just before it are its branches'.
 */
function explain(document: SpecDocument, errors: ErrorObject[], base: string): Finding[] {
  const groups: Finding[][] = [];
  let i = errors.length - 1;
  while (i >= 0) {
    const error = errors[i] as ErrorObject;
    if (error.keyword !== 'anyOf') {
      groups.push([{ at: jsonPath(base + error.instancePath), message: messageOf(error) }]);
      i--;
      continue;
    }
    let start = i;
    while (start > 0 && within((errors[start - 1] as ErrorObject).instancePath, error.instancePath)) start--;
    groups.push(closestBranch(document, error, base));
    i = start - 1;
  }
  return groups.reverse().flat();
}

function closestBranch(document: SpecDocument, error: ErrorObject, base: string): Finding[] {
  const branches = (Array.isArray(error.schema) ? (error.schema as unknown[]) : []).filter(
    (branch): branch is object => typeof branch === 'object' && branch !== null,
  );
  const named = discriminated(error, branches);
  let best: { label: string; findings: Finding[] } | undefined;
  for (const [i, branch] of branches.entries()) {
    if (named && branch !== named.branch) continue;
    const validate = document.validatorOf(branch);
    if (validate(error.data)) return [];
    const findings = explain(document, validate.errors ?? [], base + error.instancePath);
    if (!best || findings.length < best.findings.length) best = { label: labelOf(branch, i), findings };
  }
  if (!best) return [{ at: jsonPath(base + error.instancePath), message: messageOf(error) }];
  const label = named ? `as ${best.label}, by its ${named.property}` : `closest anyOf branch: ${best.label}`;
  return best.findings.map((finding) => ({ ...finding, message: `${finding.message} [${label}]` }));
}

/** The branch a discriminator names for this value (`type: TEXT` → FormFieldText), if it names one. */
function discriminated(
  error: ErrorObject,
  branches: object[],
): { branch: object; property: string } | undefined {
  const { discriminator } = (error.parentSchema ?? {}) as {
    discriminator?: { propertyName?: string; mapping?: Record<string, string> };
  };
  const property = discriminator?.propertyName;
  if (!property || !error.data || typeof error.data !== 'object') return undefined;
  const value = (error.data as Record<string, unknown>)[property];
  const ref = typeof value === 'string' ? discriminator.mapping?.[value] : undefined;
  const branch = branches.find((candidate) => (candidate as Reference).$ref === ref);
  return ref && branch ? { branch, property } : undefined;
}

function messageOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `must not have the property '${String(params.additionalProperty)}'`;
    case 'enum':
      return `must be one of ${short(params.allowedValues)}, not ${short(error.data)}`;
    case 'const':
      return `must be ${short(params.allowedValue)}, not ${short(error.data)}`;
    case 'type':
      return `must be ${String(params.type)}, not ${typeName(error.data)}`;
    case 'pattern':
      return `must match the pattern ${short(params.pattern)}, not ${short(error.data)}`;
    case 'format':
      return `must be a ${String(params.format)}, not ${short(error.data)}`;
    default:
      return error.message ?? error.keyword;
  }
}

/**
 * The generated documents say oneOf where the shapes overlap: the export answer is
 * `oneOf [ExportResponse, SubflowsResponse]`, and SubflowsResponse is ExportResponse plus an optional
 * `_embedded`, so every export matches both and "exactly one" fails on correct answers. What the
 * documents mean is "one of these shapes", which is anyOf; it is read that way everywhere.
 */
function oneOfAsAnyOf(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) oneOfAsAnyOf(item);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(schema))
    if (key !== 'example' && key !== 'examples') oneOfAsAnyOf(value);
  if (!Array.isArray(schema.oneOf)) return;
  if (schema.anyOf === undefined) schema.anyOf = schema.oneOf;
  else schema.allOf = [...((schema.allOf as unknown[] | undefined) ?? []), { anyOf: schema.oneOf }];
  delete schema.oneOf;
}

function indexOperations(document: SpecDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [key, item] of Object.entries(document.doc.paths)) {
    const template = key.split('#')[0] ?? key;
    const pathNames = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
    const pattern = new RegExp(
      `^${template
        .split(/\{[^}]+\}/)
        .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('([^/]+)')}$`,
    );
    for (const method of methods) {
      const operation = item[method];
      if (!operation) continue;
      const at = ['paths', key, method];
      const parameters = new Map<string, Located<ParameterObject>>();
      const declared = [
        ...(item.parameters ?? []).map((p, i) => ({ p, at: ['paths', key, 'parameters', String(i)] })),
        ...(operation.parameters ?? []).map((p, i) => ({ p, at: [...at, 'parameters', String(i)] })),
      ];
      // Operation-level parameters replace path-level ones of the same name and place.
      for (const { p, at: where } of declared) {
        const located = document.resolve<ParameterObject>(p, where);
        parameters.set(`${located.value.in}:${located.value.name}`, located);
      }
      const requestBody = operation.requestBody
        ? document.resolve<RequestBodyObject>(operation.requestBody, [...at, 'requestBody'])
        : undefined;
      operations.push({
        id: operation.operationId ?? `${method.toUpperCase()} ${key}`,
        method,
        template,
        pattern,
        pathNames,
        literalLength: template.replace(/\{[^}]+\}/g, '').length,
        document,
        parameters: [...parameters.values()],
        requestBody,
        requestTypes: Object.keys(requestBody?.value.content ?? {}).map((type) => type.toLowerCase()),
        responses: operation.responses ?? {},
        at,
      });
    }
  }
  return operations;
}

/**
 * The listed media type an actual one is checked against. The API answers HAL as `application/json`
 * or `application/hal+json` whichever was asked for, so for answers either stands for the other.
 */
function pickMediaType(listed: string[], actual: string | undefined, answer: boolean): string | undefined {
  if (actual === undefined) return undefined;
  const lower = new Map(listed.map((type) => [type.toLowerCase(), type]));
  const json = ['application/json', 'application/hal+json'];
  const candidates = [actual];
  if (answer && json.includes(actual)) candidates.push(...json);
  candidates.push(`${actual.split('/')[0]}/*`, '*/*');
  for (const candidate of candidates) {
    const found = lower.get(candidate);
    if (found) return found;
  }
  return undefined;
}

function mediaType(header: string | undefined): string | undefined {
  return header?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/** Query and path values are text; a schema that names a number or boolean type means the text spells one. */
function typed(text: string, type: unknown): unknown {
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text))
    return Number(text);
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

function isReference(value: unknown): value is Reference {
  return typeof value === 'object' && value !== null && typeof (value as Reference).$ref === 'string';
}

/** `#/components/schemas/A` → ['components', 'schemas', 'A']. */
function pointerOf(ref: string): Pointer {
  if (!ref.startsWith('#/')) throw new Error(`only references inside the document are followed, not ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map((segment) => decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** ['paths', '/flows/{id}#deploy+json'] → `/paths/~1flows~1%7Bid%7D%23deploy%2Bjson`: a pointer, as a URI fragment. */
function fragmentOf(at: Pointer): string {
  return at
    .map((segment) => `/${encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'))}`)
    .join('');
}

function within(path: string, parent: string): boolean {
  return path === parent || path.startsWith(`${parent}/`);
}

/** `/_embedded/flows/0/name` → `$._embedded.flows[0].name`. */
function jsonPath(pointer: string): string {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  return `$${segments
    .map((segment) => {
      if (/^\d+$/.test(segment)) return `[${segment}]`;
      if (/^[A-Za-z_$][\w$]*$/.test(segment)) return `.${segment}`;
      return `[${JSON.stringify(segment)}]`;
    })
    .join('')}`;
}

function labelOf(branch: object, index: number): string {
  const { $ref, title } = branch as { $ref?: unknown; title?: unknown };
  if (typeof $ref === 'string') return $ref.split('/').at(-1) ?? $ref;
  return typeof title === 'string' ? title : `branch ${index + 1}`;
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > longest ? `${text.slice(0, longest - 1)}…` : text;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}
