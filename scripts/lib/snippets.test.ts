// The extractor behind scripts/snippets.test.ts: fences, commands, shown answers, contract fit.
import { describe, expect, it } from 'vitest';
import { consoleCommands, extractBlocks, shapeProblems, shellCommands, shownShape } from './snippets.ts';
import { bodyProblems } from './snippet-contract.ts';

const md = [
  '# t',
  '```sh',
  'curl -s -X POST x \\',
  '  -d \'{"a": 1,',
  '       "b": 2}\'',
  '# {"success":true,"user":{...},"token":"eyJ..."}',
  'CODE=$(echo 1)',
  '```',
  '',
  '~~~kotlin',
  'val x = 1',
  '~~~',
].join('\n');

describe('extractBlocks, shellCommands, consoleCommands', () => {
  it('finds every fence with its language and line', () => {
    expect(extractBlocks('f.md', md).map((b) => [b.lang, b.line])).toEqual([
      ['sh', 2],
      ['kotlin', 10],
    ]);
    expect(() => extractBlocks('f.md', '```sh\nls\n')).toThrow(/f.md:1: code block is never closed/);
  });

  it('splits sh blocks where bash can parse a command, with the # lines after it as its output', () => {
    const [first, second] = shellCommands(extractBlocks('f.md', md)[0]!);
    expect(first!.text.split('\n')).toHaveLength(3);
    expect(first!.shown).toBe('{"success":true,"user":{...},"token":"eyJ..."}\n');
    expect(second!.text).toBe('CODE=$(echo 1)');
  });

  it('splits console blocks at "$ ", continuation lines included', () => {
    const block = { file: 'f', line: 1, lang: 'console', text: '$ a \\\n    b\nout 1\n$ c\nout 2' };
    expect(consoleCommands(block).map((c) => [c.text, c.shown])).toEqual([
      ['a \\\n    b', 'out 1\n'],
      ['c', 'out 2\n'],
    ]);
  });
});

describe('shown answers', () => {
  it('reads the top level of an elided JSON answer', () => {
    expect(shownShape('400 {"success":false,"error":"X","details":[{"path":"/a",...}],"n":3}')).toEqual({
      keys: ['success', 'error', 'details', 'n'],
      values: { success: false, error: 'X', n: 3 },
    });
  });

  it('reports a missing field and a different success or error', () => {
    const shape = shownShape('{"success":true,"user":{...}}')!;
    expect(shapeProblems(shape, { success: false, error: 'ACCOUNT_EXISTS' })).toEqual(['the answer has no "user"', '"success" is false, the guide shows true']);
    expect(shapeProblems(shape, { success: true, user: {}, extra: 1 })).toEqual([]);
  });

  it('checks a shown API body against the contract, skipping elided values', () => {
    expect(bodyProblems('POST', '/v1/auth/otp/verify', { success: true, verified: true, verificationToken: 'vt_x...', expiresIn: 600 })).toEqual([]);
    expect(bodyProblems('POST', '/v1/auth/otp/verify', { success: true, verified: 'yes', token: 'x' })).toEqual([
      '"verified": data must be boolean, data must be equal to constant',
      '"token" is not a property of the POST /v1/auth/otp/verify 200 answer',
    ]);
  });
});
