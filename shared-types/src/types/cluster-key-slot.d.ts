/** cluster-key-slot ships no types: the Redis Cluster hash slot (CRC16 mod 16384, hash tags honoured) of a key. */
declare module 'cluster-key-slot' {
  function generate(key: string | Buffer): number;
  export = generate;
}
