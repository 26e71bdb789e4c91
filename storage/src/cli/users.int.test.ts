import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { mongoUrlWithDb, repoRoot, testMongoUrl, uniqueName } from '@logstream/devstack';
import { connectMongo } from '../connection';
import { userModel } from '../models/user';
import { UserAccounts } from '../users/user-accounts';

/** The built users CLI, as `npm run users --` runs it, against the real MongoDB-wire server. */
describe('users CLI', () => {
  const mongoUrl = mongoUrlWithDb(testMongoUrl(), uniqueName('users_cli'));
  const run = (args: string[], options: { input?: string; password?: string } = {}) =>
    spawnSync(process.execPath, [path.join(repoRoot(), 'storage', 'dist', 'cli', 'users.js'), ...args], {
      env: { ...process.env, MONGO_URL: mongoUrl, USER_PASSWORD: options.password ?? '' },
      input: options.input ?? '',
      encoding: 'utf8',
    });
  let connection: Connection;

  beforeAll(async () => {
    connection = await connectMongo(mongoUrl);
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('creates users with the password from stdin or USER_PASSWORD, hashed, and refuses bad ones', async () => {
    const admin = run(['create', '--email', 'Admin@Example.com', '--role', 'admin'], {
      input: 'a password from stdin\n',
    });
    expect(admin.stderr).toBe('');
    expect(admin.stdout).toContain('Created admin admin@example.com');
    const viewer = run(['create', '--email', 'viewer@example.com'], { password: 'a password from the env' });
    expect(viewer.stdout).toContain('Created viewer viewer@example.com');

    const accounts = new UserAccounts(userModel(connection));
    expect((await accounts.verify('admin@example.com', 'a password from stdin'))?.role).toBe('admin');
    expect((await accounts.verify('viewer@example.com', 'a password from the env'))?.role).toBe('viewer');
    const stored = await userModel(connection).find().lean();
    expect(JSON.stringify(stored)).not.toContain('a password from');
    expect(stored.every((u) => u.passwordHash.startsWith('$argon2id$'))).toBe(true);

    const again = run(['create', '--email', 'admin@example.com'], { password: 'another long password' });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('already exists');
    const short = run(['create', '--email', 'x@example.com'], { password: 'short' });
    expect(short.status).toBe(1);
    expect(short.stderr).toContain('at least 12 characters');
    const role = run(['create', '--email', 'y@example.com', '--role', 'root'], {
      password: 'long enough password',
    });
    expect(role.status).toBe(1);

    const reset = run(['reset-password', '--email', 'viewer@example.com'], {
      password: 'a brand new password',
    });
    expect(reset.stdout).toContain('sessions have ended');
    expect(await accounts.verify('viewer@example.com', 'a password from the env')).toBeUndefined();
    expect(run(['list']).stdout).toMatch(/admin@example.com\s+admin[\s\S]*viewer@example.com\s+viewer/);
  });
});
