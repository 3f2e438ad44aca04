import { describe, expect, it } from 'vitest';
import { columnCompletions, tableAliases } from '../../../renderer/src/lib/sqlCompletion.ts';

const schema = { playlog: ['row_id', 'posnewx', 'posnewy', 'pidx'], userprofile: ['pidx', 'uclass', 'ulevel'], movement: ['x', 'y', 'step'] };
const labels = (r: ReturnType<typeof columnCompletions>) => r?.options.map((o) => o.label);

describe('SQL column completion', () => {
  it('resolves aliases after FROM and JOIN, with or without AS, and comma lists', () => {
    const a = tableAliases('SELECT * FROM playlog p JOIN userprofile AS u USING (pidx), movement WHERE true', Object.keys(schema));
    expect(Object.fromEntries(a)).toEqual({ playlog: 'playlog', p: 'playlog', userprofile: 'userprofile', u: 'userprofile', movement: 'movement' });
    expect(Object.fromEntries(tableAliases('SELECT 1 FROM playlog WHERE pidx = 1', Object.keys(schema)))).toEqual({ playlog: 'playlog' });
    expect(tableAliases('SELECT 1 FROM nope n', Object.keys(schema)).size).toBe(0);
  });

  it('offers bare column names of the tables the statement reads', () => {
    const sql = 'SELECT * FROM userprofile WHERE ucl';
    const r = columnCompletions(sql, sql.length, schema);
    expect(r?.from).toBe(sql.length - 3);
    expect(labels(r)).toEqual(['pidx', 'uclass', 'ulevel']);
    // Columns of every table read, once each, also before the FROM is reached.
    const s2 = 'SELECT pos FROM playlog JOIN userprofile USING (pidx)';
    expect(labels(columnCompletions(s2, 'SELECT pos'.length, schema))).toEqual(['row_id', 'posnewx', 'posnewy', 'pidx', 'uclass', 'ulevel']);
  });

  it('offers an alias’s columns after its dot, and nothing for an unknown prefix', () => {
    const sql = 'SELECT u. FROM playlog p JOIN userprofile u USING (pidx)';
    const r = columnCompletions(sql, 'SELECT u.'.length, schema);
    expect(labels(r)).toEqual(['pidx', 'uclass', 'ulevel']);
    expect(r?.from).toBe('SELECT u.'.length);
    expect(columnCompletions('SELECT z. FROM playlog', 'SELECT z.'.length, schema)).toBeNull();
    expect(columnCompletions('SELECT 1', 8, schema)).toBeNull();
  });
});
