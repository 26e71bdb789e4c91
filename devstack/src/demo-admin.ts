import { randomBytes } from 'node:crypto';
import { connectMongo, UserAccountError, UserAccounts, userModel } from '@logstream/storage';

/** The embedded demo's admin account (`npm start` only; production makes its first admin itself). */
export const DEMO_ADMIN_EMAIL = 'demo-admin@logstream.local';

/**
 * Creates the demo admin in the demo database, or gives it a new random password when it exists, and returns the
 * credentials to print once. Never used outside `npm start`: there is no default password anywhere.
 */
export async function ensureDemoAdmin(mongoUrl: string): Promise<{ email: string; password: string }> {
  const password = randomBytes(15).toString('base64url');
  const connection = await connectMongo(mongoUrl, { maxPoolSize: 2 });
  try {
    const accounts = new UserAccounts(userModel(connection));
    try {
      await accounts.create({ email: DEMO_ADMIN_EMAIL, role: 'admin', password });
    } catch (error) {
      if (!(error instanceof UserAccountError && error.code === 'exists')) throw error;
      await accounts.resetPassword(DEMO_ADMIN_EMAIL, password);
    }
    return { email: DEMO_ADMIN_EMAIL, password };
  } finally {
    await connection.close();
  }
}
