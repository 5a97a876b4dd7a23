import { ConfigError, loadConfig } from './platform/config.js';
import { startServer } from './server.js';

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`云医 Yunyi 无法启动：${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const server = await startServer(config);
  server.app.log.info(
    { database: server.database.kind, demo: config.demo },
    `云医 Yunyi listening on ${server.url}${config.demo ? ' (demo region, password Demo@2026)' : ''}`,
  );
  // Graceful shutdown (docs/operations.md "Health, metrics and draining"): /readyz 503, sockets closed
  // with 1012, listener closed, in-flight requests finished within drainMs, loops stopped, connections closed.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down');
    // The drain's own limit (drainMs) plus time to close the database, NATS and Redis after it.
    const force = setTimeout(() => process.exit(1), config.cluster.drainMs + 5_000);
    force.unref();
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error('云医 Yunyi failed to start:', err);
  process.exit(1);
});
