import { describe, expect, it } from 'vitest';
import { joinSoftBreaks, withoutSoftBreaks } from './soft-breaks.ts';

describe('joinSoftBreaks', () => {
  it('turns soft line breaks into spaces, next to inline code too', () => {
    expect(joinSoftBreaks('needs `client`, a `dev` and a\n`remote`. Totals, not\nincrements.\n')).toBe(
      'needs `client`, a `dev` and a `remote`. Totals, not increments.\n',
    );
  });

  it('keeps paragraphs, lists, tables, headings, hard breaks and code blocks', () => {
    const text = 'One\n\nTwo\n- a\n  b\n- c\n\n| x |\n| - |\n# H\nline  \nnext\n```\ncode\nmore\n```\n    indented\n';
    expect(joinSoftBreaks(text)).toBe('One\n\nTwo\n- a b\n- c\n\n| x |\n| - |\n# H\nline  \nnext\n```\ncode\nmore\n```\n    indented\n');
  });

  it('changes descriptions of a document, not example values', () => {
    const doc = { info: { description: 'a\nb' }, components: { examples: { e: { description: 'c\nd', value: { description: 'keep\nme' } } } } };
    expect(withoutSoftBreaks(doc)).toEqual({
      info: { description: 'a b' },
      components: { examples: { e: { description: 'c d', value: { description: 'keep\nme' } } } },
    });
  });
});
