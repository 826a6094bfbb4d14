// The questions of the sign-in commands. Every mistake a user can recover from is asked again
// instead of ending the command, because each new run costs a new SMS code and the contract
// allows only 3 sends per number per hour: the rules the contract states are checked here before
// anything is sent, and a refusal naming the phone number asks for the number again.
import { AuthError, ValidationError, type AskOtp, type AskPassword } from '../index.ts';
import { plural } from './format.ts';
import { UsageError } from './args.ts';
import { NoAnswerError, type Prompter } from './prompt.ts';

// The contract's rules: PhoneNumber.yaml, OtpCode.yaml, Password.yaml.
const E164 = /^\+[1-9][0-9]{6,14}$/;
const OTP = /^[0-9]{6}$/;
const MAX_PASSWORD_TRIES = 3; // the server locks a number after 5 failed sign-ins in 15 min

/** Asks again after `mistake`; when stdin has ended (a script, not a person), the mistake is the error. */
async function askAgain(prompt: Prompter, question: string, mistake: Error, options?: { secret?: boolean }): Promise<string> {
  try {
    return await prompt.ask(question, options);
  } catch (err) {
    throw err instanceof NoAnswerError ? mistake : err;
  }
}

const PHONE_QUESTION = 'Phone number (E.164, e.g. +14155552671): ';

function phoneProblem(phone: string): string {
  if (!phone.startsWith('+')) return `"${phone}" needs its country code after a "+" (e.g. +14155552671 for a US number)`;
  return `"${phone}" is not an E.164 phone number (+, country code, number)`;
}

/** The number given on the command line, or asked for, until it has the contract's form. */
export async function askPhone(prompt: Prompter, given?: string): Promise<string> {
  let phone = given ?? (await prompt.ask(PHONE_QUESTION));
  for (;;) {
    const compact = phone.replace(/[\s().-]/g, '');
    if (E164.test(compact)) return compact;
    const problem = phoneProblem(phone);
    prompt.say(`${problem}; try again.`);
    phone = await askAgain(prompt, PHONE_QUESTION, new UsageError(problem));
  }
}

/** Runs `flow` with a phone number; when the server refuses the number itself (no code was sent), asks for another. */
export async function withPhone<T>(prompt: Prompter, given: string | undefined, flow: (phone: string) => Promise<T>): Promise<T> {
  let phone = await askPhone(prompt, given);
  for (;;) {
    try {
      return await flow(phone);
    } catch (err) {
      const about = err instanceof ValidationError ? err.details.find((d) => d.path === '/body/phoneNumber' || d.path === '/body/countryCode') : undefined;
      if (!about) throw err;
      prompt.say(`${phone}: ${about.message}; try again.`);
      phone = await askPhone(prompt, await askAgain(prompt, PHONE_QUESTION, err as Error));
    }
  }
}

/** Asks for the SMS code until it is 6 digits; only then is it sent (a malformed one costs nothing). */
export function askOtp(prompt: Prompter): AskOtp {
  return async (p) => {
    let note = p.error
      ? `Wrong code${p.error.attemptsRemaining !== undefined ? ` (${plural(p.error.attemptsRemaining, 'attempt')} left)` : ''}. `
      : `Code sent to ${p.phoneNumber}, valid ${Math.round(p.expiresIn / 60)} min. `;
    let code = (await prompt.ask(`${note}Enter the 6-digit code: `)).replace(/\s/g, '');
    while (!OTP.test(code)) {
      note = `"${code}" is not 6 digits; the code you received still works.`;
      code = (await askAgain(prompt, `${note} Enter the 6-digit code: `, new UsageError(note))).replace(/\s/g, '');
    }
    return code;
  };
}

export function passwordProblem(password: string): string | undefined {
  if (password.length < 8) return 'The password needs at least 8 characters';
  if (password.length > 128) return 'The password can have at most 128 characters';
  if (!/[a-z]/.test(password) || !/[A-Z]/.test(password) || !/[0-9]/.test(password))
    return 'The password needs an upper-case letter, a lower-case letter and a digit';
  return undefined;
}

/** A new password, asked until it meets the contract's rule and is typed twice alike. */
export function askNewPassword(prompt: Prompter): AskPassword {
  return async (refused) => {
    if (refused) prompt.say(`${refused.message}. Your number stays verified; choose another password.`);
    let mistake: Error | undefined;
    for (;;) {
      const question = 'Choose a password (8+ characters, upper and lower case, a digit): ';
      const first = mistake ? await askAgain(prompt, question, mistake, { secret: true }) : await prompt.ask(question, { secret: true });
      const problem = passwordProblem(first);
      if (problem) {
        prompt.say(`${problem}; try again.`);
        mistake = new UsageError(problem);
        continue;
      }
      if ((await prompt.ask('Repeat the password: ', { secret: true })) === first) return first;
      prompt.say('The passwords differ; try again.');
      mistake = new UsageError('the passwords did not match');
    }
  };
}

/** Password sign-in: a wrong password is asked again, a few times (each one counts toward the lockout). */
export async function withPassword<T>(prompt: Prompter, signIn: (password: string) => Promise<T>): Promise<T> {
  let mistake: Error | undefined;
  for (let attempt = 1; ; attempt++) {
    const password = mistake ? await askAgain(prompt, 'Password: ', mistake, { secret: true }) : await prompt.ask('Password: ', { secret: true });
    try {
      return await signIn(password);
    } catch (err) {
      if (!(err instanceof AuthError) || err.code !== 'INVALID_CREDENTIALS' || attempt >= MAX_PASSWORD_TRIES) throw err;
      prompt.say('Wrong phone number or password; try again.');
      mistake = err;
    }
  }
}
