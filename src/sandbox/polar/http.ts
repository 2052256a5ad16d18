/** The Polar simulator's HTTP helpers: AccessLink's content type and error body. */
import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { sendJsonAs, sendTextAs, type Headers } from '../shared/http.js';

// Polar takes the Basic credential as sent (no form-decoding of the halves).
export { parseBearer, parseJson, readBody, sendEmpty, splitBasicAuth as parseBasicAuth, type Headers } from '../shared/http.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  sendJsonAs(res, 'application/json;charset=UTF-8', status, body, headers);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain;charset=UTF-8', headers: Headers = {}): void {
  sendTextAs(res, status, text, contentType, headers);
}

const ERROR_TYPES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  429: 'TOO_MANY_REQUESTS',
};

/** AccessLink error body: {timestamp, status, errorType, message, corrId}. */
export function sendPolarError(res: ServerResponse, status: number, message: string, headers: Headers = {}): void {
  sendJson(
    res,
    status,
    { timestamp: new Date().toISOString(), status, errorType: ERROR_TYPES[status] ?? 'ERROR', message, corrId: randomUUID() },
    headers,
  );
}

export const isTrue = (v: string | null): boolean => v === 'true' || v === '1';
