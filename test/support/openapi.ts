import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';
import type { TestApi } from './harness';

type Schema = Record<string, unknown>;

interface ResponseObject {
  description?: string;
  content?: Record<string, { schema?: Schema }>;
}

interface OperationObject {
  operationId: string;
  parameters?: Array<{ name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: Schema }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, ResponseObject>;
  security?: unknown[];
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, Schema> };
}

export interface Operation {
  method: string;
  /** The path template as the document spells it, e.g. /api/v1/bookings/{id}. */
  path: string;
  id: string;
  op: OperationObject;
  matches(method: string, path: string): boolean;
}

/**
 * Component schemas whose objects may carry more than they list: a domain error adds its own details (error
 * bodies that list some of them, like CheckInConflictDto, still check the ones they list).
 */
const OPEN_SCHEMAS = new Set(['ErrorBodyDto', 'CheckInConflictDto']);

/**
 * Every object schema that lists its properties is closed for the check, so an answer carrying a field the
 * document does not mention fails: the document must describe the answers, not only part of them.
 */
function closeObjects(schema: unknown): void {
  if (Array.isArray(schema)) return schema.forEach(closeObjects);
  if (typeof schema !== 'object' || schema === null) return;
  const s = schema as Schema;
  if (s.type === 'object' && s.properties && s.additionalProperties === undefined) s.additionalProperties = false;
  for (const value of Object.values(s)) closeObjects(value);
}

/**
 * The app's own /api/docs-json, and a check of real answers against it: the status must be declared for the
 * operation, and the body must match that status's schema. OpenAPI 3.0 `nullable` is honoured the way the
 * specification reads it (it only widens `type`), which is what Ajv does.
 */
export class OpenApiChecker {
  readonly operations: Operation[];
  /** `operationId status` of every answer checked, so a test can tell which ones it has seen. */
  readonly seen = new Set<string>();
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly doc: OpenApiDocument) {
    const copy = JSON.parse(JSON.stringify(doc)) as OpenApiDocument;
    for (const [name, schema] of Object.entries(copy.components.schemas))
      if (!OPEN_SCHEMAS.has(name)) closeObjects(schema);
    for (const ops of Object.values(copy.paths)) {
      for (const op of Object.values(ops)) {
        for (const r of Object.values(op.responses))
          for (const c of Object.values(r.content ?? {})) closeObjects(c.schema);
      }
    }
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi', components: copy.components, paths: copy.paths });
    this.operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => {
        const pattern = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
        return {
          method: method.toUpperCase(),
          path,
          id: op.operationId,
          op,
          matches: (m: string, p: string) => m.toUpperCase() === method.toUpperCase() && pattern.test(p),
        };
      }),
    );
  }

  static async load(api: Pick<TestApi, 'http'>): Promise<OpenApiChecker> {
    const res = await api.http.get('/api/docs-json').expect(200);
    return new OpenApiChecker(res.body as OpenApiDocument);
  }

  /** The operation a request went to; literal segments win over parameters (/queue/staff over /{id}). */
  operationOf(method: string, url: string): Operation | undefined {
    const path = url.split('?')[0];
    const literal = (o: Operation) => o.path.split('/').filter((s) => s && !s.startsWith('{')).length;
    return this.operations.filter((o) => o.matches(method, path)).sort((a, b) => literal(b) - literal(a))[0];
  }

  /** What is wrong with this answer according to the document; empty when it is all right. */
  problems(method: string, url: string, res: Pick<Response, 'status' | 'body' | 'text' | 'headers'>): string[] {
    const operation = this.operationOf(method, url);
    if (!operation) return [`${method} ${url} is not in the document`];
    const declared = operation.op.responses[String(res.status)];
    if (!declared)
      return [
        `${operation.id} answered ${res.status}, which it does not declare (${Object.keys(operation.op.responses).join(', ')})`,
      ];
    this.seen.add(`${operation.id} ${res.status}`);
    const content = declared.content ?? {};
    const type = String(res.headers['content-type'] ?? '').split(';')[0];
    if (Object.keys(content).length === 0) {
      return res.text ? [`${operation.id} ${res.status} declares no body but answered ${type}`] : [];
    }
    if (!content[type])
      return [
        `${operation.id} ${res.status} answered ${type || 'no content type'}, declared ${Object.keys(content).join(', ')}`,
      ];
    if (
      res.status >= 400 &&
      type === 'application/json' &&
      (res.body as { statusCode?: unknown }).statusCode !== res.status
    ) {
      return [
        `${operation.id} ${res.status}: body.statusCode is ${JSON.stringify((res.body as { statusCode?: unknown }).statusCode)}`,
      ];
    }
    const validate = this.validator(operation, res.status, type);
    // A picture (image/jpeg) arrives as bytes, which the document describes as a binary string.
    const body =
      type === 'application/json'
        ? res.body
        : (res.text ?? (Buffer.isBuffer(res.body) ? (res.body as Buffer).toString('latin1') : undefined));
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (e) => `${operation.id} ${res.status}: body${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`,
    );
  }

  /** A Jest assertion: the answer is one the document describes. */
  expectDocumented(method: string, url: string, res: Response): Response {
    expect({ answer: `${method} ${url} → ${res.status}`, problems: this.problems(method, url, res) }).toEqual({
      answer: `${method} ${url} → ${res.status}`,
      problems: [],
    });
    return res;
  }

  private validator(operation: Operation, status: number, type: string): ValidateFunction {
    const pointer = [
      'paths',
      operation.path,
      operation.method.toLowerCase(),
      'responses',
      String(status),
      'content',
      type,
      'schema',
    ]
      .map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1')))
      .join('/');
    const key = `openapi#/${pointer}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile({ $ref: key });
      this.compiled.set(key, validate);
    }
    return validate;
  }
}
