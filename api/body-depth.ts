/**
 * A JSON body nested deeper than any contract goes (`MAX_BODY_DEPTH` levels of arrays and objects)
 * is refused with 400 naming `body` before anything reads it: no layer (validation, the
 * Idempotency-Key's body hash, audit) walks an attacker's ten thousand levels, and no such body
 * becomes a 500 (a stack overflow) on a route whose contract takes no body.
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from './errors.js';

/** Deeper than every request contract (the deepest, a MedCom bundle, is about 12 levels). */
export const MAX_BODY_DEPTH = 64;

/** Whether a parsed JSON value holds arrays/objects nested deeper than `max` (iterative: no recursion). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

export function registerBodyDepthLimit(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (request.body !== null && typeof request.body === 'object' && nestedDeeperThan(request.body, MAX_BODY_DEPTH)) {
      throw badRequest(`body: nested deeper than ${MAX_BODY_DEPTH} levels`, 'body');
    }
  });
}
