import path from 'node:path';
import type { NextConfig } from 'next';

/**
 * The dashboard reads MongoDB on the server through `@logstream/storage` (CommonJS dist, built by `tsc -b` at the
 * repo root). mongoose stays a plain Node require on the server instead of being bundled.
 */
const nextConfig: NextConfig = {
  // The importer (dashboard upload) runs from its CommonJS dist, with its own runtime requires (stream-json); so does
  // the services' Redis factory (@logstream/runtime).
  serverExternalPackages: ['mongoose', '@node-rs/argon2', '@logstream/log-import', '@logstream/runtime'],
  transpilePackages: ['@logstream/shared-types', '@logstream/storage'],
  turbopack: { root: path.join(__dirname, '..') },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
