import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, type FieldError, type ProblemDetails, titleFor } from '../errors.ts';

const PART: Record<string, string> = { body: '', querystring: 'query', params: 'params', headers: 'headers' };

/** `/address/city` in the body → `address.city`; in the query → `query.limit`. */
function fieldPath(context: string | undefined, instancePath: string, missing?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (missing) parts.push(missing);
  const prefix = PART[context ?? 'body'] ?? context ?? '';
  return [prefix, ...parts].filter(Boolean).join('.') || (prefix || 'body');
}

const FASTIFY_CODES: Record<string, { status: number; code: string; detail: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'malformed_json', detail: 'The request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'malformed_json', detail: 'The request body is empty but Content-Type is application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', detail: 'The request body is larger than the server accepts' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', detail: 'Send JSON with Content-Type: application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad_request', detail: 'Content-Length does not match the body' },
};

export function toProblem(err: unknown, request?: FastifyRequest): { problem: ProblemDetails; headers?: Record<string, string> } {
  if (err instanceof AppError) return { problem: err.toProblem(), ...(err.headers ? { headers: err.headers } : {}) };
  if (hasZodFastifySchemaValidationErrors(err)) {
    const context = (err as { validationContext?: string }).validationContext;
    const errors: FieldError[] = [];
    for (const v of err.validation) {
      const path = fieldPath(context, v.instancePath, undefined);
      // one message per field: the first rule it broke
      if (!errors.some((e) => e.path === path)) errors.push({ path, message: v.message ?? 'is invalid' });
    }
    const first = errors[0];
    return {
      problem: {
        type: 'https://novapos.dev/problems/validation-failed',
        title: titleFor(400),
        status: 400,
        detail: first ? `Invalid request: ${first.path}: ${first.message}` : 'Invalid request',
        code: 'validation_failed',
        errors,
      },
    };
  }
  const fe = err as FastifyError;
  const known = fe?.code ? FASTIFY_CODES[fe.code] : undefined;
  if (known) {
    return { problem: { type: `https://novapos.dev/problems/${known.code.replaceAll('_', '-')}`, title: titleFor(known.status), status: known.status, detail: known.detail, code: known.code } };
  }
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500 && !isResponseSerializationError(fe as never)) {
    return { problem: { type: 'https://novapos.dev/problems/bad-request', title: titleFor(fe.statusCode), status: fe.statusCode, detail: fe.message, code: 'bad_request' } };
  }
  request?.log.error({ err }, 'unhandled error');
  return {
    problem: {
      type: 'https://novapos.dev/problems/internal-error',
      title: titleFor(500),
      status: 500,
      detail: 'Something went wrong on our side. The request was not applied; it is safe to retry with the same Idempotency-Key.',
      code: 'internal_error',
      ...(request ? { request_id: request.id } : {}),
    },
  };
}

export function sendProblem(reply: FastifyReply, problem: ProblemDetails, headers?: Record<string, string>): FastifyReply {
  if (headers) for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  // Bypass the route's response schema: a problem is never the success shape.
  return reply.code(problem.status).type('application/problem+json').serializer((p: unknown) => JSON.stringify(p)).send(problem);
}
