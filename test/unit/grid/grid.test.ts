import { describe, expect, it } from 'vitest';
import { columnCsv, sqlInList, toTsv } from '../../../renderer/src/components/grid/copy.ts';
import { columnAt, columnLayout, inRange, normalizeRange, visibleColumns } from '../../../renderer/src/components/grid/layout.ts';

describe('grid column layout', () => {
  const layout = columnLayout([100, 50, 200, 10]);
  it('adds up the widths', () => {
    expect([...layout.lefts]).toEqual([0, 100, 150, 350, 360]);
    expect(layout.total).toBe(360);
  });
  it('finds the column under x', () => {
    expect([0, 99, 100, 149, 150, 359, 360, 1000].map((x) => columnAt(layout, x))).toEqual([0, 0, 1, 1, 2, 3, 4, 4]);
  });
  it('lists the columns overlapping a window, with overscan', () => {
    expect(visibleColumns(layout, 120, 40, 0)).toEqual({ from: 1, to: 3 });
    expect(visibleColumns(layout, 120, 20, 0)).toEqual({ from: 1, to: 2 });
    expect(visibleColumns(layout, 120, 40, 1)).toEqual({ from: 0, to: 4 });
    expect(visibleColumns(layout, 1000, 100, 1)).toEqual({ from: 3, to: 4 });
    expect(visibleColumns(columnLayout([]), 0, 100)).toEqual({ from: 0, to: 0 });
  });
  it('normalises a range dragged in any direction', () => {
    const r = normalizeRange({ row: 5, col: 1 }, { row: 2, col: 3 });
    expect(r).toEqual({ row0: 2, row1: 5, col0: 1, col1: 3 });
    expect(inRange(r, 2, 3)).toBe(true);
    expect(inRange(r, 6, 3)).toBe(false);
    expect(inRange(null, 0, 0)).toBe(false);
  });
});

describe('grid copy formats', () => {
  it('writes TSV with nulls empty and awkward fields quoted', () => {
    expect(
      toTsv([
        [1, 'a', null],
        [2.5, 'tab\there', 'say "hi"'],
      ]),
    ).toBe('1\ta\t\n2.5\t"tab\there"\t"say ""hi"""');
    expect(toTsv([['x']], ['col'])).toBe('col\nx');
  });
  it('writes one column as CSV', () => {
    expect(columnCsv('name', ['a,b', null, 3])).toBe('name\r\n"a,b"\r\n\r\n3\r\n');
  });
  it('writes distinct values as a SQL IN list', () => {
    expect(sqlInList([3, 1, 3, null, 2])).toBe('IN (3, 1, 2)');
    expect(sqlInList(["o'dd", 'even', "o'dd", true])).toBe("IN ('o''dd', 'even', true)");
    expect(sqlInList([null])).toBe('IN (NULL)');
  });
});
