/** The Oura simulator's HTTP helpers: Oura's content type, error body and Basic-auth decoding. */
import type { ServerResponse } from 'node:http';
import { sendJsonAs, sendTextAs, splitBasicAuth, type Headers } from '../shared/http.js';

export { parseBearer, parseJson, readBody, sendEmpty, type Headers } from '../shared/http.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  sendJsonAs(res, 'application/json', status, body, headers);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8', headers: Headers = {}): void {
  sendTextAs(res, status, text, contentType, headers);
}

/** Oura API error body (FastAPI style): {"detail": "..."}. */
export function sendOuraError(res: ServerResponse, status: number, detail: string, headers: Headers = {}): void {
  sendJson(res, status, { detail }, headers);
}

/** RFC 6749 2.3.1: both parts are form-urlencoded before base64, and Oura decodes them. */
export function parseBasicAuth(header: string | undefined): { id: string; secret: string } | null {
  const raw = splitBasicAuth(header);
  if (!raw) return null;
  const unescape = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { id: unescape(raw.id), secret: unescape(raw.secret) };
}
