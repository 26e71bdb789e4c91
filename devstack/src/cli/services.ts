import { ConfigError } from '@logstream/shared-types';
import { loadConfig } from '../config';
import { resolveMongo } from '../mongo';
import { cacheDir } from '../paths';
import { resolveRedis } from '../redis';

/**
 * `npm run services`: finds or starts Redis and MongoDB only, prints the environment to export, and keeps them up
 * until Ctrl-C — for running the apps one by one (`npm run start:api`, `npm run start:worker`).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const redis = await resolveRedis(config.REDIS_URL);
  const mongo = await resolveMongo({
    envUrl: config.MONGO_URL,
    prefer: config.LOGSTREAM_MONGO,
    ferretdbDataDir: cacheDir('ferretdb-data', 'demo'),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(
    `export REDIS_URL=${redis.url}  # ${redis.source}\nexport MONGO_URL=${mongo.url}  # ${mongo.source}\n`,
  );
  process.stderr.write('Ctrl-C stops the embedded services.\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await mongo.stop();
  await redis.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
  process.exit(1);
});
