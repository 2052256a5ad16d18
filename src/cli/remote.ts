/**
 * Commands that talk to a running server over HTTP (the embedded database belongs to the server
 * process, and in production the CLI may run elsewhere): --url, SERVER_URL, the running embedded
 * server's URL in DATA_DIR or http://localhost:$PORT (src/server-info.ts), and --key or API_KEY.
 */
export interface Remote {
  url: string;
  key: string;
}

/** fetch, with "fetch failed" turned into what to do about it. */
async function request(remote: Remote, init: RequestInit, path = '/graphql'): Promise<Response> {
  try {
    return await fetch(`${remote.url}${path}`, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new Error(`cannot reach ${remote.url}${cause ? ` (${cause})` : ''}: is \`npm start\` running there? Otherwise pass --url (or set SERVER_URL)`);
  }
}

export async function graphql<T>(remote: Remote, query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await request(remote, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${remote.key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (response.status === 401) throw new Error('the server refused the API key (401): pass --key or set API_KEY');
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data as T;
}

/** Subscribes over server-sent events and calls onEvent for each `next` payload until the stream ends. */
export async function subscribe<T>(remote: Remote, query: string, variables: Record<string, unknown>, onEvent: (data: T) => void): Promise<void> {
  const response = await request(remote, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${remote.key}` },
    body: JSON.stringify({ query, variables }),
  });
  if (!response.ok || !response.body) throw new Error(`subscription failed: HTTP ${response.status}`);
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (\w+)/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event === 'complete') return;
      if (event === 'next' && data) {
        const payload = JSON.parse(data) as { data?: T; errors?: { message: string }[] };
        if (payload.errors?.length) throw new Error(payload.errors.map((e) => e.message).join('; '));
        onEvent(payload.data as T);
      }
    }
  }
}

export function progressBar(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}%`;
}

/**
 * GET `path` and stream the body into `out` with back-pressure (nothing held whole); an error
 * answer is thrown with the gateway's message (and the argument it names).
 */
export async function download(remote: Remote, path: string, out: NodeJS.WritableStream): Promise<number> {
  const response = await request(remote, { headers: { authorization: `Bearer ${remote.key}` } }, path);
  if (!response.ok || !response.body) {
    const body = (await response.json().catch(() => ({}))) as { message?: string; argument?: string };
    if (response.status === 401) throw new Error('the server refused the API key (401): pass --key or set API_KEY');
    throw new Error(`${response.status}${body.argument ? ` (${body.argument})` : ''}: ${body.message ?? response.statusText}`);
  }
  const { Readable } = await import('node:stream');
  const { pipeline } = await import('node:stream/promises');
  let bytes = 0;
  const body = Readable.fromWeb(response.body as never);
  body.on('data', (chunk: Buffer) => (bytes += chunk.length));
  await pipeline(body, out, { end: out !== process.stdout });
  return bytes;
}

/** Where progress lines go: a terminal (redrawn in place) or a pipe/file (one line per update). */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Progress lines of several tasks at once (the demo's providers). On a terminal each task keeps
 * one line, redrawn in place (the cursor goes back up over the block); elsewhere each update that
 * changes a line is written as a new line, so a log file reads in order.
 */
export class ProgressBoard {
  private readonly lines = new Map<string, string>();
  private drawn = 0;

  constructor(private readonly stream: ProgressStream) {}

  update(task: string, line: string): void {
    if (this.lines.get(task) === line) return;
    this.lines.set(task, line);
    if (!this.stream.isTTY) {
      this.stream.write(`${line}\n`);
      return;
    }
    // Up over what was drawn, then every line again, each cleared first.
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    this.stream.write(`${up}${[...this.lines.values()].map((l) => `\r\x1b[2K${l}\n`).join('')}`);
    this.drawn = this.lines.size;
  }

  /** A line above the board (a message that stays); the board is drawn again below it. */
  log(line: string): void {
    if (!this.stream.isTTY || this.drawn === 0) {
      this.stream.write(`${line}\n`);
      return;
    }
    const up = `\x1b[${this.drawn}A`;
    this.stream.write(`${up}\r\x1b[2K${line}\n${[...this.lines.values()].map((l) => `\r\x1b[2K${l}\n`).join('')}`);
  }
}
