/**
 * A streamed CSV reader (RFC 4180: quoted fields with commas, quotes doubled, line breaks inside
 * quotes; CRLF or LF), for the Samsung Health export. The text encoding is told by the first bytes:
 * a UTF-16LE byte-order mark (some Samsung Health versions write UTF-16LE), else UTF-8 (a UTF-8
 * BOM is dropped). Rows come out one by one; memory holds one chunk and one row.
 */
import { StringDecoder } from 'node:string_decoder';

export async function* csvRows(stream: AsyncIterable<Buffer | string>, onBytes?: (n: number) => void): AsyncGenerator<string[]> {
  let decoder: StringDecoder | null = null;
  let field = '';
  let row: string[] = [];
  let quoted = false;
  /** Inside quotes, a quote was just read: either the end of the field or the first of "". */
  let quoteSeen = false;
  const rows: string[][] = [];
  const feed = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (quoteSeen) {
          quoteSeen = false;
          if (c === '"') {
            field += '"';
            continue;
          }
          quoted = false; // the closing quote; this character is read below as unquoted
        } else if (c === '"') {
          quoteSeen = true;
          continue;
        } else {
          field += c;
          continue;
        }
      }
      if (c === '"' && field === '') quoted = true;
      else if (c === ',') {
        row.push(field);
        field = '';
      } else if (c === '\n') {
        row.push(field.endsWith('\r') ? field.slice(0, -1) : field);
        rows.push(row);
        row = [];
        field = '';
      } else field += c;
    }
  };
  for await (const chunk of stream) {
    let buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    onBytes?.(buffer.length);
    if (!decoder) {
      if (buffer[0] === 0xff && buffer[1] === 0xfe) {
        decoder = new StringDecoder('utf16le');
        buffer = buffer.subarray(2);
      } else {
        decoder = new StringDecoder('utf8');
        if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) buffer = buffer.subarray(3);
      }
    }
    feed(decoder.write(buffer));
    yield* rows.splice(0);
  }
  if (decoder) feed(decoder.end());
  if (quoteSeen) quoted = false;
  if (field !== '' || row.length > 0) {
    row.push(field.endsWith('\r') ? field.slice(0, -1) : field);
    rows.push(row);
  }
  yield* rows.splice(0);
}
