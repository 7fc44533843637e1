import type { Command } from 'commander';
import pc from 'picocolors';
import { createNode, logActivity } from '../compose.js';
import { checkListen } from '../http/listen.js';
import type { HttpServer } from '../http/server.js';
import { VERSION } from '../version.js';
import { type ConfigOption, load, loggerFor } from './shared.js';

interface StartOptions extends ConfigOption {
  /** An address from `--http`, or false from `--no-http`. */
  http?: string | boolean;
}

export function startCommand(program: Command): void {
  program
    .command('start')
    .description(
      'run a coordinator node with the configured plugins until SIGINT or SIGTERM; it serves the HTTP API, dashboard, metrics and health',
    )
    .option('--config <file>', 'config file (default: searched from the working directory)')
    .option(
      '--http <host:port>',
      'where the HTTP server listens (default: http.listen of the config, 127.0.0.1:7700)',
    )
    .option('--no-http', 'no HTTP server')
    .action(async (options: StartOptions) => {
      const { config, filepath } = await load(options);
      const http = httpSettings(options.http, config.http);
      const logger = loggerFor(config.logLevel);
      const node = await createNode(config, { logger });
      logActivity(node.coordinator, logger);
      await node.start();
      const out = (text: string) => process.stdout.write(`${text}\n`);
      for (const address of node.transport.multiaddrs?.() ?? []) out(`listening ${address}`);
      out(`peer id ${node.transport.peerId}`);
      let server: HttpServer | undefined;
      if (http) {
        try {
          // Loaded only here: the other commands start faster without the server's modules.
          const [{ startHttpServer }, { dashboardAssetsDir }] = await Promise.all([
            import('../http/server.js'),
            import('@chorale/dashboard'),
          ]);
          server = await startHttpServer(node, {
            ...http,
            version: VERSION,
            logger,
            dashboardDir: dashboardAssetsDir,
          });
        } catch (error) {
          await node.close();
          throw error;
        }
        out(`http ${server.url}`);
      }
      out(
        pc.dim(
          `chorale coordinator started (${filepath ?? 'embedded defaults'}): transport ${node.transport.name}, planners ${node.planners.map((p) => p.name).join(' → ')}, sinks ${node.sinks.map((s) => s.name).join(', ') || 'none'}`,
        ),
      );
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          logger.info({ signal }, 'shutting down');
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await server?.close();
      await node.close();
      out('stopped');
    });
}

/**
 * Where the HTTP server listens and its token (config, `CHORALE_TOKEN`, `--http`), or undefined
 * for none. Checked before the node starts: a non-loopback address needs a token.
 */
function httpSettings(
  flag: string | boolean | undefined,
  config: false | { listen: string; token?: string },
): { listen: string; token?: string } | undefined {
  if (flag === false || (config === false && typeof flag !== 'string')) return undefined;
  const listen = typeof flag === 'string' ? flag : config ? config.listen : '127.0.0.1:7700';
  const token = (config ? config.token : undefined) ?? (process.env.CHORALE_TOKEN || undefined);
  checkListen(listen, token);
  return { listen, ...(token ? { token } : {}) };
}
