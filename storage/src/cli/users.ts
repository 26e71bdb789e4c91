import { Command, Option } from 'commander';
import { read } from 'read';
import { USER_ROLES, type UserRole } from '@logstream/shared-types';
import { connectMongo } from '../connection';
import { userModel } from '../models/user';
import { UserAccounts } from '../users/user-accounts';
import { loadUsersCliConfig, type UsersCliConfig } from './config';

/**
 * `npm run users -- <create|reset-password|list>`: manages dashboard users in MongoDB (MONGO_URL). Passwords come
 * from USER_PASSWORD, else a hidden prompt (twice) on a terminal, else the first line of stdin. A CLI: prints to stdout.
 */
async function withAccounts<T>(
  config: UsersCliConfig,
  run: (accounts: UserAccounts) => Promise<T>,
): Promise<T> {
  const connection = await connectMongo(config.MONGO_URL, {
    maxPoolSize: 2,
    serverSelectionTimeoutMS: 5_000,
  });
  try {
    return await run(new UserAccounts(userModel(connection)));
  } finally {
    await connection.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return (Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '').trimEnd();
}

/** The new password: from the environment, a hidden prompt asked twice, or stdin. */
async function newPassword(config: UsersCliConfig): Promise<string> {
  if (config.USER_PASSWORD) return config.USER_PASSWORD;
  if (!process.stdin.isTTY) return readStdin();
  const first = await read({ prompt: 'Password (12+ characters): ', silent: true, replace: '*' });
  const second = await read({ prompt: 'Repeat the password: ', silent: true, replace: '*' });
  if (first !== second) throw new Error('the passwords differ');
  return first;
}

const program = new Command()
  .name('users')
  .description('Manage LogStream dashboard users (stored in MongoDB; MONGO_URL as for the dashboard)');

program
  .command('create')
  .description('create a user; the password is asked for (or read from USER_PASSWORD / stdin)')
  .requiredOption('-e, --email <address>', 'the e-mail address the user signs in with')
  .addOption(new Option('-r, --role <role>', 'viewer or admin').choices(USER_ROLES).default('viewer'))
  .action(async (options: { email: string; role: UserRole }) => {
    const config = loadUsersCliConfig();
    const password = await newPassword(config);
    const user = await withAccounts(config, (accounts) =>
      accounts.create({ email: options.email, role: options.role, password }),
    );
    process.stdout.write(`Created ${user.role} ${user.email} (id ${user.id}).\n`);
  });

program
  .command('reset-password')
  .description("set a user's password (ends the user's sessions)")
  .requiredOption('-e, --email <address>', 'the user')
  .action(async (options: { email: string }) => {
    const config = loadUsersCliConfig();
    const password = await newPassword(config);
    const user = await withAccounts(config, (accounts) => accounts.resetPassword(options.email, password));
    process.stdout.write(`Password of ${user.email} changed; their sessions have ended.\n`);
  });

program
  .command('list')
  .description('list users (never their passwords)')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const users = await withAccounts(loadUsersCliConfig(), (accounts) => accounts.list());
    if (options.json) {
      process.stdout.write(`${JSON.stringify(users)}\n`);
      return;
    }
    if (users.length === 0) {
      process.stdout.write(
        'No users. Create one with: npm run users -- create --email <address> --role admin\n',
      );
      return;
    }
    for (const user of users)
      process.stdout.write(`${user.email}  ${user.role}  created ${user.createdAt}\n`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`users: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
