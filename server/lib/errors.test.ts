// Every error the server can answer with is a code of the contract, with the contract's status:
// the codes are read from the source (every `error: 'X'`, `super('X'`, `new SomeError('X'`), the
// statuses from ErrorCode's x-http-status in the bundle, not from the generated table.
import { globSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as errors from './errors.ts';

const root = new URL('../..', import.meta.url).pathname;
const spec = JSON.parse(readFileSync(`${root}/generated/openapi.json`, 'utf8')) as {
  components: { schemas: { ErrorCode: { enum: string[]; 'x-http-status': Record<string, number> } } };
};
const { enum: CODES, 'x-http-status': STATUS } = spec.components.schemas.ErrorCode;
const sources = globSync('server/**/*.ts', { cwd: root })
  .filter((f) => !f.endsWith('.test.ts') && !f.startsWith('server/test/'))
  .map((f) => ({ file: f, text: readFileSync(`${root}/${f}`, 'utf8') }));
const raised = (pattern: RegExp) => sources.flatMap(({ file, text }) => [...text.matchAll(pattern)].map((m) => ({ file, code: m[1]! })));

const classes = Object.entries(errors).filter(
  (e): e is [string, typeof errors.ApiError] => typeof e[1] === 'function' && e[1].prototype instanceof errors.ApiError,
);

describe('server errors against the contract', () => {
  it('everyCodeInTheSource_isAContractCode', () => {
    const found = raised(/(?:error: |super\(\s*|Error\(\s*)'([A-Z][A-Z_]+)'/g);
    expect(found.length).toBeGreaterThan(20);
    expect(found.filter(({ code }) => !CODES.includes(code))).toEqual([]);
  });

  it('everyApiErrorSubclass_hasTheContractStatusOfItsCode', () => {
    expect(classes.length).toBeGreaterThan(10);
    for (const [name, ErrorClass] of classes) {
      // classes taking the code first are built with every code the source passes them
      const codes = /constructor\(code\b/.test(ErrorClass.toString()) ? raised(new RegExp(`new ${name}\\(\\s*'([A-Z_]+)'`, 'g')).map((r) => r.code) : ['x'];
      expect(codes.length, name).toBeGreaterThan(0);
      for (const code of codes) {
        const error = new (ErrorClass as unknown as new (...args: unknown[]) => errors.ApiError)(code, 'x');
        expect(CODES, name).toContain(error.code);
        expect(error.status, `${name} ${error.code}`).toBe(STATUS[error.code]);
      }
    }
  });
});
