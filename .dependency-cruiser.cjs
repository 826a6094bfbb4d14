// The server's dependency direction, checked by `make lint` (dependency-cruiser):
// routes -> service -> store -> db inside a resource folder, and between folders one way only:
//   auth -> user, vpn -> user (user/ owns the users and devices tables and imports neither).
// Each folder owns its tables through its own store; another folder goes through its service.
// Where user/ needs a figure of vpn/ (the data used, in the User object), the composition root
// (app.ts) hands in vpn/'s subquery for it (a ScalarSubquery), so no cycle appears between
// folders and the profile stays one statement.
const RESOURCE = '^server/(auth|user|vpn|system|sms)/';
/** The same folders as folder-scope rules name them (no trailing slash). */
const FOLDER = '^server/(auth|user|vpn|system|sms)$';

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
    {
      name: 'resource-direction',
      comment: 'user/ is the base the other resources build on: it imports none of them',
      severity: 'error',
      from: { path: '^server/user/' },
      to: { path: '^server/(auth|vpn|system)/' },
    },
    {
      name: 'no-folder-cycle',
      comment: 'resource folders depend one way: two folders that import each other (at any distance) fail',
      severity: 'error',
      scope: 'folder',
      from: { path: FOLDER },
      to: { path: FOLDER, circular: true },
    },
    {
      name: 'no-circular',
      comment: 'no module of the server imports itself back, at any distance',
      severity: 'error',
      from: { path: '^server/' },
      to: { circular: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$|^server/test/' },
  },
};
