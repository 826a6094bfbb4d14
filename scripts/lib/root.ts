// The repository's root folder as a file-system path (a `URL`'s pathname would keep `%20` for
// a space and break every path joined to it).
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
