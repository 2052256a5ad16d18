/**
 * A small structured logger. Values under keys that look secret are replaced before anything is
 * written, and known secret values (registered at start-up) are scrubbed from every message.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /token|secret|password|authorization|api[-_]?key|^key$|code_verifier|signature/i;

const knownSecrets = new Set<string>();

/** Registers a value that must never appear in a log line (client secrets, encryption keys...). */
export function registerSecret(value: string | null | undefined): void {
  if (value && value.length >= 6) knownSecrets.add(value);
}

export function scrub(text: string): string {
  let result = text;
  for (const secret of knownSecrets) result = result.split(secret).join('[redacted]');
  return result.replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/g, 'Bearer [redacted]');
}

function redact(value: unknown, depth = 0): unknown {
  if (depth > 5) return '[deep]';
  if (value instanceof Error) return { name: value.name, message: scrub(value.message) };
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)]),
    );
  }
  return value;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; tests capture them. */
  write?: (line: string) => void;
  json?: boolean;
}

export function createLogger(options: LoggerOptions = {}, bound: Record<string, unknown> = {}): Logger {
  const min = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
    const entry = redact({ ...bound, ...fields }) as Record<string, unknown>;
    if (options.json) {
      write(JSON.stringify({ time: new Date().toISOString(), level, msg: scrub(message), ...entry }));
    } else {
      const extras = Object.keys(entry).length ? ' ' + JSON.stringify(entry) : '';
      write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${scrub(message)}${extras}`);
    }
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/** Adapts our logger to the shape graphql-yoga expects. */
export function yogaLogger(logger: Logger) {
  const fmt = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(redact(a)))).join(' ');
  return {
    debug: (...args: unknown[]) => logger.debug(fmt(args)),
    info: (...args: unknown[]) => logger.info(fmt(args)),
    warn: (...args: unknown[]) => logger.warn(fmt(args)),
    error: (...args: unknown[]) => logger.error(fmt(args)),
  };
}
