// RFC 3339 date-times as the contract's validator accepts them (ajv-formats "full": `T`, `t` or
// a space, `Z`/`z` or an offset with or without its colon), made one canonical UTC string that
// Date.parse, both databases and the response validator all read the same way.

const DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:[Zz]|([+-])(\d\d)(?::?(\d\d))?)$/;

/**
 * `YYYY-MM-DDTHH:mm:ss.sssZ`. A leap second (`23:59:60`, RFC 3339 §5.7) is read as the last
 * millisecond before the next minute, since neither JavaScript nor the stored epoch
 * milliseconds have one; an instant outside the years 0000 to 9999 in UTC is refused.
 */
export function canonicalTimestamp(value: string): string {
  const m = DATE_TIME.exec(value);
  if (!m) throw new Error('must be an RFC 3339 date-time');
  const [, year, month, day, hour, minute, second, fraction = '', sign, offH = '0', offM = '0'] = m;
  const leap = second === '60';
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: that maps the years 0 to 99 onto 1900 to 1999.
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hour), Number(minute), leap ? 59 : Number(second), leap ? 999 : Number(fraction.slice(0, 3).padEnd(3, '0')));
  const offset = sign ? (sign === '-' ? -1 : 1) * (Number(offH) * 60 + Number(offM)) : 0;
  const utc = new Date(date.getTime() - offset * 60_000);
  const y = utc.getUTCFullYear();
  if (Number.isNaN(utc.getTime()) || y < 0 || y > 9999) throw new Error('must be an instant between the years 0000 and 9999 in UTC');
  return utc.toISOString();
}
