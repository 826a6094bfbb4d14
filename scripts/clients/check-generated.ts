// After `make clients`: every operation of the public bundle is a method, and every object or
// enum schema a model, in each generated client. The only check Swift and Dart get here (no
// compiler for them on this machine); Kotlin, Java and Python are also compiled and run.
import { ROOT } from '../lib/root.ts';
import { specOperations } from '../lib/spec-operations.ts';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = ROOT;
interface Spec {
  paths: Record<string, Record<string, { operationId?: string }>>;
  components: { schemas: Record<string, { type?: string; enum?: unknown[] }> };
}
const spec = JSON.parse(readFileSync(join(root, 'generated/openapi.public.json'), 'utf8')) as Spec;

const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const SWIFT_NAMES: Record<string, string> = { ErrorResponse: 'ApiErrorResponse', Protocol: 'VpnProtocol' };

// Per language: where APIs and models live, how an operation method and a model file are named.
const LANGS = {
  kotlin: {
    apis: 'src/main/kotlin/com/barqnet/client/apis',
    models: 'src/main/kotlin/com/barqnet/client/models',
    method: (op: string) => `fun ${op}(`,
    file: (s: string) => `${s}.kt`,
  },
  java: {
    apis: 'src/main/java/com/barqnet/client/api',
    models: 'src/main/java/com/barqnet/client/model',
    method: (op: string) => ` ${op}(`,
    file: (s: string) => `${s}.java`,
  },
  python: { apis: 'barqnet_client/api', models: 'barqnet_client/models', method: (op: string) => `def ${snake(op)}(`, file: (s: string) => `${snake(s)}.py` },
  swift: {
    apis: 'Sources/BarqNetClient/APIs',
    models: 'Sources/BarqNetClient/Models',
    method: (op: string) => `func ${op}(`,
    file: (s: string) => `${SWIFT_NAMES[s] ?? s}.swift`,
  },
  dart: { apis: 'lib/src/api', models: 'lib/src/model', method: (op: string) => ` ${op}(`, file: (s: string) => `${snake(s)}.dart` },
};

const operations = specOperations(spec)
  .map(({ operation }) => operation.operationId)
  .filter((id): id is string => !!id);
const models = Object.entries(spec.components.schemas)
  .filter(([, s]) => s.type === 'object' || s.enum)
  .map(([name]) => name);

let missing = 0;
for (const [lang, at] of Object.entries(LANGS)) {
  const dir = join(root, 'clients', lang);
  const apis = join(dir, at.apis);
  const text = existsSync(apis)
    ? readdirSync(apis)
        .map((f) => readFileSync(join(apis, f), 'utf8'))
        .join('\n')
    : '';
  const gaps = [
    ...operations.filter((op) => !text.includes(at.method(op))).map((op) => `operation ${op}`),
    ...models.filter((s) => !existsSync(join(dir, at.models, at.file(s)))).map((s) => `model ${s}`),
  ];
  for (const gap of gaps) console.error(`clients/${lang}: no ${gap}`);
  missing += gaps.length;
  if (gaps.length === 0) console.log(`clients/${lang}: ${operations.length} operations, ${models.length} models`);
}
process.exit(missing ? 1 : 0);
