// Entry point of dist/server.js: `node dist/server.js --stdio` or started by vscode-languageclient over
// IPC (--node-ipc). Importing this module only wires the server; it starts when run as the main module.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './service.js';

export { startServer } from './service.js';

export function main(): void {
  const connection = createConnection(ProposedFeatures.all);
  startServer(connection);
}

if (require.main === module) main();
