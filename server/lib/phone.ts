// Phone numbers are normalised to E.164 with libphonenumber's metadata, so "+1 (415) 555-2671"
// and "+14155552671" are one account and impossible numbers are refused.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { ValidationError } from './errors.ts';

export function normalizePhone(input: string, countryCode?: string): string {
  const parsed = parsePhoneNumberFromString(input);
  if (!parsed || !parsed.isValid()) {
    throw new ValidationError('phoneNumber is not a valid phone number', '/body/phoneNumber');
  }
  if (countryCode && parsed.country && parsed.country !== countryCode) {
    throw new ValidationError(`phoneNumber does not belong to country ${countryCode}`, '/body/countryCode');
  }
  return parsed.number;
}
