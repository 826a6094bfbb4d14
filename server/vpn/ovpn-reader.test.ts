import { describe, expect, it } from 'vitest';
import { OvpnSyntaxError, parseLine, readOvpn } from './ovpn-reader.ts';

const tokens = (line: string) => parseLine(new TextEncoder().encode(line), 1).map((t) => new TextDecoder().decode(t));
const names = (text: string) => readOvpn(text).map((d) => d.name);
const syntaxError = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OvpnSyntaxError);
    return (error as Error).message;
  }
  throw new Error('expected an OvpnSyntaxError');
};

describe('parseLine (options.c parse_line)', () => {
  it('parseLine_spacesTabsAndCarriageReturns_separateParameters', () => {
    expect(tokens('remote  vpn.example.net\t1194\r\n')).toEqual(['remote', 'vpn.example.net', '1194']);
    expect(tokens('nobind\rup x')).toEqual(['nobind', 'up', 'x']);
  });

  it('parseLine_commentMarks_startACommentOnlyWhereAParameterWouldStart', () => {
    expect(tokens('# remote a')).toEqual([]);
    expect(tokens('  ; remote a')).toEqual([]);
    expect(tokens('remote a#b ;c d')).toEqual(['remote', 'a#b']);
    expect(tokens('\\# up x')).toEqual([]);
  });

  it('parseLine_doubleQuotes_keepSpacesAndTakeBackslashEscapes', () => {
    expect(tokens('x "a b" "c\\"d" "e\\\\f"')).toEqual(['x', 'a b', 'c"d', 'e\\f']);
    expect(tokens('x ""')).toEqual(['x', '']);
  });

  it('parseLine_singleQuotes_keepEverythingLiterally', () => {
    expect(tokens("x 'a \\ \" b'")).toEqual(['x', 'a \\ " b']);
  });

  it('parseLine_closingQuote_endsTheParameterEvenWithoutASpace', () => {
    expect(tokens('"up"x \'y\'"z"')).toEqual(['up', 'x', 'y', 'z']);
  });

  it('parseLine_backslashOutsideQuotes_escapesSpacesQuotesAndBackslashesOnly', () => {
    expect(tokens('x a\\ b \\"c \\\\d')).toEqual(['x', 'a b', '"c', '\\d']);
    expect(syntaxError(() => tokens('x a\\b'))).toMatch(/Bad backslash/);
  });

  it('parseLine_unclosedQuote_isAnError', () => {
    expect(syntaxError(() => tokens('x "a'))).toMatch(/No closing quotation/);
    expect(syntaxError(() => tokens("x 'a"))).toMatch(/No closing single quotation/);
  });

  it('parseLine_moreThanSixteenParameters_dropsTheRestUnread', () => {
    const line = `${Array.from({ length: 16 }, (_, i) => `p${i}`).join(' ')} p16 "unclosed`;
    expect(tokens(line)).toHaveLength(16);
  });
});

describe('readOvpn (options.c read_config_file)', () => {
  it('readOvpn_directives_keepNamesArgsAndLines', () => {
    expect(readOvpn('client\n\n--remote a.example.net 443\n')).toEqual([
      { name: 'client', args: [], line: 1 },
      { name: 'remote', args: ['a.example.net', '443'], line: 3 },
    ]);
  });

  it('readOvpn_doubleDash_isStrippedOnlyFromNamesOfThreeOrMoreBytes', () => {
    expect(names('--nobind\n--\n')).toEqual(['nobind', '--']);
  });

  it('readOvpn_lineOf255BytesWithNewline_isRefusedLikeOpenvpn', () => {
    expect(names(`#${'x'.repeat(253)}\n`)).toEqual([]);
    expect(syntaxError(() => readOvpn(`#${'x'.repeat(254)}\n`))).toMatch(/longer than OpenVPN reads.*line 1/);
    expect(names(`#${'x'.repeat(254)}`)).toEqual([]);
    expect(syntaxError(() => readOvpn(`#${'x'.repeat(255)}`))).toMatch(/longer than OpenVPN reads/);
  });

  it('readOvpn_utf8Bom_isSkippedOnTheFirstLineOnly', () => {
    expect(names('\ufeffclient\n')).toEqual(['client']);
  });

  it('readOvpn_inlineBlock_keepsItsTextAndCountsItsLines', () => {
    expect(readOvpn('<ca>\nPEM\n  </ca>\r\nverb 3\n')).toEqual([
      { name: 'ca', args: [], line: 1, inline: 'PEM\n' },
      { name: 'verb', args: ['3'], line: 4 },
    ]);
  });

  it('readOvpn_blockTag_isAnyLoneParameterInAngleBrackets', () => {
    expect(names('"<ca>"\nx\n</ca>\n--<key>\nx\n</key>\n<ca> # comment\nx\n</ca>\n')).toEqual(['ca', 'key', 'ca']);
    expect(names('< ca>\n')).toEqual(['<']);
  });

  it('readOvpn_endTag_isAPrefixAndTheRestOfItsPieceIsDropped', () => {
    expect(readOvpn('<ca>\nx\n</ca>up /bin/sh\nverb 3\n')).toEqual([
      { name: 'ca', args: [], line: 1, inline: 'x\n' },
      { name: 'verb', args: ['3'], line: 4 },
    ]);
  });

  it('readOvpn_otherTagsInsideABlock_areText', () => {
    expect(readOvpn('<ca>\n</key>\n<key>\n</ca>\n')[0]!.inline).toBe('</key>\n<key>\n');
  });

  it('readOvpn_longLineInBlock_isReadIn255BytePiecesAndAPieceCanEndTheBlock', () => {
    const a = 'A'.repeat(255);
    expect(readOvpn(`<ca>\n${a}${a}B\n</ca>\n`)[0]!.inline).toBe(`${a}${a}B\n`);
    const [ca, up] = readOvpn(`<ca>\n${a}</ca>\nup x\n`);
    expect(ca).toEqual({ name: 'ca', args: [], line: 1, inline: a });
    expect(up).toEqual({ name: 'up', args: ['x'], line: 4 });
    expect(names(`<ca>\n${a} \t</ca>\nup x\n`)).toEqual(['ca', 'up']);
    expect(names(`<ca>\n${'A'.repeat(254)}</ca>\nup x\n</ca>\n`)).toEqual(['ca']);
  });

  it('readOvpn_endTagPieceOfALongLine_leavesTheRestOfTheLineToTheMainLoop', () => {
    expect(readOvpn(`<ca>\n</ca>${'x'.repeat(250)}up /bin/sh\n`)).toEqual([
      { name: 'ca', args: [], line: 1, inline: '' },
      { name: 'up', args: ['/bin/sh'], line: 3 },
    ]);
  });

  it('readOvpn_unclosedBlock_isAnErrorAtItsTag', () => {
    expect(syntaxError(() => readOvpn('client\n<ca>\nx\n'))).toMatch(/Block <ca> is not closed \(line 2\)/);
    expect(syntaxError(() => readOvpn('</ca>\n'))).toMatch(/Block <\/ca> is not closed/);
  });

  it('readOvpn_connectionBlock_isReadAgainAsOptions', () => {
    const [connection] = readOvpn('<connection>\nremote a 443\n<tls-auth>\nK\n</tls-auth>\n</connection>\n');
    expect(connection!.children).toEqual([
      { name: 'remote', args: ['a', '443'], line: 2 },
      { name: 'tls-auth', args: [], line: 3, inline: 'K\n' },
    ]);
  });

  it('readOvpn_longLineInConnection_losesTwoBytesAfter255LikeBufParse', () => {
    // buf_parse keeps 255 bytes of a longer line, loses the next two, and reads on after them.
    const [connection] = readOvpn(`<connection>\nremote a\n#${'x'.repeat(256)}float\n</connection>\n`);
    expect(connection!.children!.map((d) => d.name)).toEqual(['remote', 'float']);
    const [other] = readOvpn(`<connection>\nremote a\n#${'x'.repeat(254)}yyfloat\n</connection>\n`);
    expect(other!.children!.map((d) => d.name)).toEqual(['remote', 'float']);
  });
});
