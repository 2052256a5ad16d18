/**
 * Splits a JSON object of arrays (`{"a":[{...},{...}],"b":[...]}`: a push delivery) into its
 * array elements as they stream by, so a delivery of any size is parsed one element at a time.
 * Works on bytes: the structural characters are ASCII, so UTF-8 text inside strings passes through
 * untouched. Elements that are objects or arrays are emitted; other top-level values are skipped.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

export class JsonShapeError extends Error {}

export interface SplitElement {
  /** The top-level key whose array holds the element. */
  key: string;
  /** The element's JSON text. */
  text: string;
}

export class JsonArraySplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private expectKey = false;
  private keyParts: number[] | null = null;
  private key: string | null = null;
  /** The key of the array being read (depth 2), null while a non-array value is skipped. */
  private arrayKey: string | null = null;
  private inElement = false;
  private elementParts: Buffer[] = [];
  private started = false;

  /** Feeds the next bytes; returns the elements completed in them. */
  push(chunk: Buffer): SplitElement[] {
    const out: SplitElement[] = [];
    let elementStart = this.inElement ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.keyParts) {
            this.key = JSON.parse(`"${Buffer.from(this.keyParts).toString('utf8')}"`) as string;
            this.keyParts = null;
            continue;
          }
        }
        if (this.keyParts) this.keyParts.push(c);
        continue;
      }
      if (isSpace(c)) continue;
      if (!this.started) {
        if (c !== OPEN_OBJECT) throw new JsonShapeError('the body is not a JSON object');
        this.started = true;
        this.depth = 1;
        this.expectKey = true;
        continue;
      }
      if (this.depth === 0) throw new JsonShapeError('text after the JSON object');
      if (c === QUOTE) {
        this.inString = true;
        if (this.depth === 1 && this.expectKey) this.keyParts = [];
        continue;
      }
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (this.depth === 1 && c === OPEN_ARRAY && !this.expectKey) this.arrayKey = this.key;
        else if (this.depth === 2 && this.arrayKey !== null && !this.inElement) {
          this.inElement = true;
          elementStart = i;
        }
        this.depth++;
        continue;
      }
      if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        this.depth--;
        if (this.inElement && this.depth === 2) {
          this.elementParts.push(chunk.subarray(elementStart, i + 1));
          out.push({ key: this.arrayKey!, text: Buffer.concat(this.elementParts).toString('utf8') });
          this.elementParts = [];
          this.inElement = false;
          elementStart = -1;
        } else if (this.depth === 1) {
          this.arrayKey = null;
        }
        continue;
      }
      if (this.depth === 1 && c === COLON) this.expectKey = false;
      else if (this.depth === 1 && c === COMMA) this.expectKey = true;
    }
    // Copied: the caller may reuse the chunk's memory.
    if (this.inElement) this.elementParts.push(Buffer.from(chunk.subarray(elementStart)));
    return out;
  }

  /** Throws unless the object was complete. */
  end(): void {
    if (!this.started || this.depth !== 0 || this.inString) throw new JsonShapeError('the body ends before its JSON object does');
  }
}
