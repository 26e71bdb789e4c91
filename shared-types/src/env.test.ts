import { z } from 'zod';
import { ConfigError, parseEnv, redisTargetOf, serviceEnv } from './env';

describe('REDIS_CLUSTER_NODES', () => {
  const schema = z.object(serviceEnv);

  it('reads seed nodes and then puts every connection on the cluster instead of REDIS_URL', () => {
    const config = parseEnv(schema, { REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001,[::1]:7002' });
    expect(config.REDIS_CLUSTER_NODES).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'redis-b', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(redisTargetOf(config)).toEqual({ cluster: config.REDIS_CLUSTER_NODES });
    expect(redisTargetOf(parseEnv(schema, {}))).toEqual({ url: 'redis://127.0.0.1:6379' });
    expect(parseEnv(schema, {}).QUEUE_PARTITIONS).toBe(1);
  });

  it('names the entry that is not host:port', () => {
    expect(() => parseEnv(schema, { REDIS_CLUSTER_NODES: '10.0.0.1:7000,redis-b' })).toThrow(ConfigError);
    expect(() => parseEnv(schema, { REDIS_CLUSTER_NODES: 'redis-b:99999' })).toThrow(
      /"redis-b:99999" is not host:port/,
    );
    expect(() => parseEnv(schema, { REDIS_CLUSTER_NODES: ' , ' })).toThrow(/at least one/);
  });
});
