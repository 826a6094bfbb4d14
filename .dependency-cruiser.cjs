// The server's dependency direction, checked by `make lint` (dependency-cruiser):
// routes -> service -> store -> db, and a resource folder never reaches into another's store.
// Violations the tree had when the rule came are listed in .dependency-cruiser-known-violations.json
// (`make lint` counts them as ignored); anything new fails. Remove an entry when its import is fixed.
const RESOURCE = '^server/(auth|user|vpn|system|sms)/';

module.exports = {
  forbidden: [
    {
      name: 'routes-to-store-or-db',
      comment: 'routes are thin: they call a service, never a store or the database',
      severity: 'error',
      from: { path: '\\.routes\\.ts$' },
      to: { path: ['\\.store\\.ts$', '^server/db/'] },
    },
    {
      name: 'service-to-routes',
      comment: 'a service never depends on the routes above it',
      severity: 'error',
      from: { path: '\\.(service|store|view)\\.ts$' },
      to: { path: '\\.routes\\.ts$' },
    },
    {
      name: 'service-to-http',
      comment: 'services and stores know nothing of HTTP: their types come from generated/',
      severity: 'error',
      from: { path: '\\.(service|store|view)\\.ts$' },
      to: { path: '^server/http/' },
    },
    {
      name: 'store-to-service',
      comment: 'a store holds queries only: it never calls up into a service',
      severity: 'error',
      from: { path: '\\.store\\.ts$' },
      to: { path: '\\.(service|routes|view)\\.ts$' },
    },
    { name: 'db-to-resource', comment: 'the database layer knows no resource', severity: 'error', from: { path: '^server/db/' }, to: { path: RESOURCE } },
    {
      name: 'another-resources-store',
      comment: 'a resource reaches another through its service, never its store',
      severity: 'error',
      from: { path: '^server/([^/]+)/' },
      to: { path: '^server/[^/]+/[^/]+\\.store\\.ts$', pathNot: '^server/$1/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$|^server/test/' },
  },
};
