import { Command } from 'commander';
import { createRedis, redisReady } from '@logstream/runtime';
import { redisTargetOf, ServiceName } from '@logstream/shared-types';
import { connectMongo, createModels } from '@logstream/storage';
import { ApiKeyStore } from '../auth/api-key-store';
import { loadConfig } from '../config';

/**
 * `npm run keys -- <create|list|revoke>`: manages the per-service API keys, stored hashed in the API's MongoDB
 * (MONGO_URL) with the Redis lookup cache kept in step (REDIS_URL or REDIS_CLUSTER_NODES, QUEUE_PREFIX), as in the
 * API's config.
 * A CLI, so it prints to stdout.
 */
async function withStore<T>(run: (store: ApiKeyStore) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const connection = await connectMongo(config.MONGO_URL, {
    maxPoolSize: 2,
    serverSelectionTimeoutMS: 5_000,
  });
  const models = createModels(connection);
  const redis = createRedis(redisTargetOf(config), { service: 'keys-cli', purpose: 'requests' });
  try {
    await redisReady(redis, 10_000);
    const store = new ApiKeyStore(async () => models, redis, config.QUEUE_PREFIX);
    await store.importLegacy();
    return await run(store);
  } finally {
    redis.disconnect();
    await connection.close();
  }
}

const program = new Command()
  .name('keys')
  .description(
    'Manage LogStream API keys (stored hashed in MongoDB, cached in Redis; MONGO_URL, REDIS_URL and QUEUE_PREFIX as for the API)',
  );

program
  .command('create')
  .description('create a key for a service and print it once')
  .requiredOption('-s, --service <name>', 'the service whose logs the key may send')
  .option('--json', 'print the key and its info as JSON')
  .action(async (options: { service: string; json?: boolean }) => {
    const service = ServiceName.safeParse(options.service);
    if (!service.success) throw new Error(service.error.issues[0]?.message ?? 'invalid service name');
    const created = await withStore((store) => store.create(service.data));
    if (options.json) {
      process.stdout.write(`${JSON.stringify(created)}\n`);
      return;
    }
    process.stdout.write(
      `Created key ${created.id} for service "${created.service}". It is shown only now; store it safely:\n\n` +
        `  ${created.key}\n\nSend it as x-api-key: <key> or Authorization: Bearer <key>.\n`,
    );
  });

program
  .command('list')
  .description('list keys (never the keys themselves)')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const keys = await withStore((store) => store.list());
    if (options.json) {
      process.stdout.write(`${JSON.stringify(keys)}\n`);
      return;
    }
    if (keys.length === 0) {
      process.stdout.write('No API keys. Create one with: npm run keys -- create --service <name>\n');
      return;
    }
    const rows = keys.map((k) => [
      k.id,
      k.service,
      `${k.prefix}…`,
      k.createdAt,
      k.revokedAt ? `revoked ${k.revokedAt}` : 'active',
    ]);
    const header = ['ID', 'SERVICE', 'PREFIX', 'CREATED', 'STATE'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    for (const row of [header, ...rows]) {
      process.stdout.write(
        `${row
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd()}\n`,
      );
    }
  });

program
  .command('revoke')
  .description('revoke a key by id (API processes stop accepting it within AUTH_CACHE_MS)')
  .argument('<id>', 'the key id shown by list')
  .action(async (id: string) => {
    const revoked = await withStore((store) => store.revoke(id));
    if (!revoked) throw new Error(`no API key with id ${id}`);
    process.stdout.write(`Revoked key ${revoked.id} of service "${revoked.service}".\n`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`keys: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
