// Resolves the real services once for the integration tests (built devstack; `npm test` builds first).
const { resolveRedis, resolveMongo } = require('./devstack/dist');

module.exports = async () => {
  const log = (line) => process.stderr.write(`[test setup] ${line}\n`);
  const redis = await resolveRedis(process.env.REDIS_URL);
  const mongo = await resolveMongo({
    envUrl: process.env.MONGO_URL,
    prefer: process.env.LOGSTREAM_TEST_MONGO ?? 'auto',
    log,
  });
  log(`redis ${redis.url} (${redis.source}); mongo ${mongo.url} (${mongo.source})`);
  process.env.LOGSTREAM_TEST_REDIS_URL = redis.url;
  process.env.LOGSTREAM_TEST_MONGO_URL = mongo.url;
  globalThis.__logstreamStop = async () => {
    await mongo.stop();
    await redis.stop();
  };
};
