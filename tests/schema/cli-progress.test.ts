/** The CLI's progress lines (issue 13 item 14): redrawn in place on a terminal, one line per update elsewhere. */
import { ProgressBoard } from '../../src/cli/remote.js';

/** What a terminal shows after `output`: handles \r, \n, ESC[nA (up) and ESC[2K (clear line). */
function screen(output: string): string[] {
  const lines: string[] = [''];
  let row = 0;
  let col = 0;
  for (let i = 0; i < output.length; i++) {
    const c = output[i]!;
    if (c === '\x1b') {
      const m = /^\x1b\[(\d*)([AK])/.exec(output.slice(i))!;
      if (m[2] === 'A') row = Math.max(0, row - Number(m[1] || 1));
      else lines[row] = '';
      i += m[0].length - 1;
    } else if (c === '\r') col = 0;
    else if (c === '\n') {
      row++;
      col = 0;
      if (lines.length <= row) lines.push('');
    } else {
      const line = lines[row]!.padEnd(col);
      lines[row] = line.slice(0, col) + c + line.slice(col + 1);
      col++;
    }
  }
  return lines;
}

it('on a terminal: one line per task, redrawn in place; messages stay above the bars', () => {
  let out = '';
  const board = new ProgressBoard({ isTTY: true, write: (t) => (out += t) });
  board.update('POLAR', 'POLAR [#---] 1/4');
  board.update('OURA', 'OURA  [----] 0/4');
  board.update('POLAR', 'POLAR [##--] 2/4');
  board.update('OURA', 'OURA  [####] 4/4');
  board.log('note: something happened');
  board.update('POLAR', 'POLAR [####] 4/4');
  expect(screen(out)).toEqual(['note: something happened', 'POLAR [####] 4/4', 'OURA  [####] 4/4', '']);
});

it('elsewhere (a pipe, a log file): a new line per change, none for a repeat', () => {
  let out = '';
  const board = new ProgressBoard({ isTTY: false, write: (t) => (out += t) });
  board.update('POLAR', 'POLAR 1/4');
  board.update('POLAR', 'POLAR 1/4');
  board.update('OURA', 'OURA 0/4');
  board.update('POLAR', 'POLAR 2/4');
  expect(out).toBe('POLAR 1/4\nOURA 0/4\nPOLAR 2/4\n');
  expect(out).not.toMatch(/\x1b|\r/);
});
