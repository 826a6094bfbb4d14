#!/usr/bin/env node
// The `barqnet` command: a thin shell over the SDK (every call goes through createBarqnetClient).
import { readFileSync } from 'node:fs';
import { createBarqnetClient } from './index.ts';
import { FileTokenStore } from './node.ts';
import { parseCli, USAGE, UsageError } from './cli/args.ts';
import { COMMAND_HANDLERS } from './cli/commands.ts';
import { describeError } from './cli/format.ts';
import { configDir, deviceFields, tokenFile } from './cli/identity.ts';
import { Prompter } from './cli/prompt.ts';

// src/cli.ts and dist/cli.js both sit one level below package.json
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

async function main(argv: string[]): Promise<number> {
  let baseUrl = process.env['BARQNET_BASE_URL'] ?? 'http://localhost:8080';
  const prompt = new Prompter();
  try {
    const args = parseCli(argv, process.env);
    baseUrl = args.baseUrl;
    if (args.version) {
      process.stdout.write(`${version}\n`);
      return 0;
    }
    if (args.help || !args.command) {
      (args.help ? process.stdout : process.stderr).write(`${USAGE}\n`);
      if (!args.help) throw new UsageError('no command given');
      return 0;
    }
    const dir = configDir(process.env);
    const client = createBarqnetClient({
      baseUrl,
      tokenStore: new FileTokenStore(tokenFile(dir, baseUrl)),
      retry: { timeoutMs: args.timeoutMs, retries: args.retries },
      headers: { 'User-Agent': `barqnet-cli/${version}` },
    });
    await COMMAND_HANDLERS[args.command]({
      client,
      args,
      prompt,
      device: () => deviceFields(dir, version),
      print: (text) => process.stdout.write(`${text}\n`),
    });
    return 0;
  } catch (err) {
    const { line, code } = describeError(err, baseUrl);
    process.stderr.write(`barqnet: ${line}\n`);
    return code;
  } finally {
    prompt.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
