import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { CsvRowReader, type CsvProblem } from './csv-rows.js';

function read(text: string, chunkSize = text.length || 1, maxRowChars?: number) {
  const rows: string[][] = [];
  const problems: CsvProblem[] = [];
  const reader = new CsvRowReader({ row: (r) => rows.push(r), problem: (p) => problems.push(p) }, maxRowChars);
  for (let i = 0; i < text.length; i += chunkSize) reader.push(text.slice(i, i + chunkSize));
  reader.end();
  return { rows, problems };
}

describe('CsvRowReader', () => {
  it('reads quoted, bare and empty fields, escaped quotes, newlines in quotes, CRLF and a BOM', () => {
    const text = '\uFEFF"EMAIL","NAME","NOTE"\r\n"a@b.co","Jo ""J"", Jr","two\nlines"\r\n"c@d.co",,bare\r\n\r\n"e@f.co","é😀",""\n';
    const expected = [
      ['EMAIL', 'NAME', 'NOTE'],
      ['a@b.co', 'Jo "J", Jr', 'two\nlines'],
      ['c@d.co', '', 'bare'],
      ['e@f.co', 'é😀', ''],
    ];
    for (const size of [1, 2, 3, 7, 64, text.length]) expect(read(text, size), `chunks of ${size}`).toEqual({ rows: expected, problems: [] });
  });

  it('keeps short and long rows as they are, for the caller to judge', () => {
    expect(read('a,b,c\n"x"\n1,2,3,4\nlast,row').rows).toEqual([['a', 'b', 'c'], ['x'], ['1', '2', '3', '4'], ['last', 'row']]);
  });

  it('reports a quoted field that never closes instead of dropping it silently', () => {
    const { rows, problems } = read('"EMAIL","A"\n"x@y.co","ok"\n"z@y.co","unterminated\n', 5);
    expect(rows).toEqual([['EMAIL', 'A'], ['x@y.co', 'ok']]);
    expect(problems).toEqual([{ row: 3, reason: 'a quoted field is never closed' }]);
  });

  it('reports a row past the size limit and does not buffer without end', () => {
    const { rows, problems } = read(`"a","b"\n"${'x'.repeat(500)}`, 50, 100);
    expect(rows).toEqual([['a', 'b']]);
    expect(problems[0]?.reason).toMatch(/longer than 100 characters/);
  });

  it('agrees with csv-parse on generated files split at random points', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const alphabet = ['a', 'b', ' ', ',', '"', '\n', '\r\n', 'é', '😀', '\\', "'"];
    for (let file = 0; file < 200; file++) {
      const lines: string[] = [];
      for (let r = 0; r < 1 + rand(6); r++) {
        const cells: string[] = [];
        for (let c = 0; c < 3; c++) {
          let v = '';
          for (let k = rand(6); k > 0; k--) v += alphabet[rand(alphabet.length)];
          cells.push(v === '' && rand(2) ? '' : `"${v.replace(/"/g, '""')}"`);
        }
        lines.push(cells.join(','));
      }
      const text = `${lines.join(rand(2) ? '\n' : '\r\n')}${rand(2) ? '\n' : ''}`;
      const oracle = (parse(text, { relax_column_count: true, skip_empty_lines: true, record_delimiter: ['\r\n', '\n'] }) as string[][]).filter(
        (r) => !(r.length === 1 && r[0] === ''),
      );
      expect(read(text, 1 + rand(9)).rows, JSON.stringify(text)).toEqual(oracle);
    }
  });
});
