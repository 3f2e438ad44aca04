import { describe, expect, it } from 'vitest';
import { splitStatements, statementAt } from '../../../shared/sql/split.ts';

describe('statement splitting', () => {
  it('splits on top-level semicolons only', () => {
    const sql = `SELECT 'a;b' AS "x;y"; -- c;d\nSELECT 2 /* e;f */; SELECT $$g;h$$;`;
    expect(splitStatements(sql).map((s) => s.text)).toEqual([`SELECT 'a;b' AS "x;y"`, `-- c;d\nSELECT 2 /* e;f */`, 'SELECT $$g;h$$']);
  });

  it('drops empty and comment-only statements', () => {
    expect(splitStatements(' ; -- only a comment\n ;; ')).toEqual([]);
  });

  it('handles doubled quotes', () => {
    expect(splitStatements(`SELECT 'it''s;'; SELECT 1`).map((s) => s.text)).toEqual([`SELECT 'it''s;'`, 'SELECT 1']);
  });

  it('finds the statement under the cursor', () => {
    const sql = 'SELECT 1;\nSELECT 2;\nSELECT 3';
    expect(statementAt(sql, 0)?.text).toBe('SELECT 1');
    expect(statementAt(sql, sql.indexOf('2'))?.text).toBe('SELECT 2');
    expect(statementAt(sql, sql.length)?.text).toBe('SELECT 3');
  });
});
