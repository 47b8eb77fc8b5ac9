import { OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi';
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

/**
 * Problems of the plumbing around a route with a key: authentication, the key's role, its rate
 * limit, and a transaction that kept conflicting. createRouter documents them on every such route.
 */
const commonErrors = {
  401: problem('Missing or unknown API key'),
  403: problem("The key's role may not do this"),
  429: problem('Over the rate limit; Retry-After says when to try again'),
  503: problem('Temporarily unavailable (for example a transaction kept conflicting); try again'),
};
/** The body limit holds for every request that sends a body, whether the route declares one or not. */
const tooLargeError = { 413: problem('The request body is too large') };
/** Problems of reading a declared body: its media type and JSON syntax. */
const bodyErrors = {
  400: problem('Malformed request (for example invalid JSON)'),
  415: problem('The body is not of a media type the route reads'),
};
const validationError = { 422: problem('The request failed validation; `errors` lists each field') };
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

/**
 * The problems a route gives through the shared plumbing rather than its own logic, so the document
 * lists them for every route without each route having to remember them.
 */
function plumbingErrors(route: RouteConfig): RouteConfig['responses'] {
  const { body, params, query, headers } = route.request ?? {};
  return {
    ...(route.security?.length ? commonErrors : {}),
    ...(body || ['post', 'put', 'patch'].includes(route.method) ? tooLargeError : {}),
    ...(body ? bodyErrors : {}),
    ...(body || params || query || headers ? validationError : {}),
  };
}

/**
 * Every router shares one validation hook, so all validation errors look the same, and documents
 * the plumbing's problems on each route it registers (a route's own description of a status wins).
 */
export function createRouter() {
  const router = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new AppError('validation-failed', { errors: zodFieldErrors(result.error) });
    },
  });
  const registry = router.openAPIRegistry;
  const register = registry.registerPath.bind(registry);
  registry.registerPath = (route) =>
    register({ ...route, responses: { ...plumbingErrors(route), ...route.responses } });
  return router;
}
