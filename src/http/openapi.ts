import { OpenAPIHono, z } from '@hono/zod-openapi';
import { AppError } from '../errors.ts';
import type { AppEnv } from './env.ts';
import { zodFieldErrors } from './problem.ts';

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: '/problems/no-approved-variant' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .passthrough()
  .openapi('Problem', { description: 'RFC 9457 problem details; title and detail follow Accept-Language.' });

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** Error responses every authenticated route can give; spread into each route's `responses`. */
export const commonErrors = {
  400: problem('Malformed request (for example invalid JSON)'),
  401: problem('Missing or unknown API key'),
  403: problem("The key's role may not do this"),
  422: problem('The request failed validation; `errors` lists each field'),
};
export const notFoundError = { 404: problem('Not found, or outside the key’s scope') };
export const conflictError = { 409: problem('Conflict with the current state') };
export const preconditionErrors = {
  412: problem('If-Match does not match the current ETag'),
  428: problem('If-Match is required'),
};
export { problem as problemResponseSpec };

export const security = [{ apiKey: [] }];

export function jsonContent<T>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export function jsonBody<T>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } };
}

/** Every router shares one validation hook, so all validation errors look the same. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new AppError('validation-failed', { errors: zodFieldErrors(result.error) });
    },
  });
}
