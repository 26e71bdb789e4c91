import http from 'node:http';
import type { Logger } from 'pino';

/** A check answered by `/ready`: resolves when the dependency is usable. */
export type ReadinessCheck = () => Promise<void>;

/** The worker's small HTTP surface: `/health` (alive), `/ready` (Redis and MongoDB answer), `/metrics`. */
export function startHealthServer(options: {
  port: number;
  /** Interface to bind; loopback unless configured (HEALTH_HOST). */
  host: string;
  logger: Logger;
  checks: Record<string, ReadinessCheck>;
  metrics?: () => Promise<{ contentType: string; body: string }>;
}): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    void (async () => {
      if (req.url === '/health')
        return send(200, { status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
      if (req.url === '/ready') {
        const results: Record<string, string> = {};
        let ready = true;
        for (const [name, check] of Object.entries(options.checks)) {
          try {
            await check();
            results[name] = 'ok';
          } catch (error) {
            ready = false;
            results[name] = error instanceof Error ? error.message : String(error);
          }
        }
        return send(ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', checks: results });
      }
      if (req.url === '/metrics' && options.metrics) {
        const { contentType, body } = await options.metrics();
        return res.writeHead(200, { 'content-type': contentType }).end(body);
      }
      return send(404, { error: { code: 'not_found', message: `no route ${req.method} ${req.url}` } });
    })().catch((error: unknown) => {
      options.logger.error({ err: error }, 'health server error');
      send(500, { error: { code: 'internal', message: 'internal error' } });
    });
  });
  return new Promise((resolve) => server.listen(options.port, options.host, () => resolve(server)));
}
