// Worker threads do not inherit the main thread's TypeScript loader: register tsx, then load the
// parsing worker (worker.ts).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
