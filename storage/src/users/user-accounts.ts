import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import {
  MAX_PASSWORD_LENGTH,
  NewPassword,
  UserEmail,
  type UserInfo,
  type UserRole,
} from '@logstream/shared-types';
import { toUserInfo, type UserDoc, type UserModel } from '../models/user';

/** argon2id parameters (the library's default algorithm): 19 MiB, 2 passes, 1 lane. */
const HASH_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Thrown when a user cannot be created or changed; `code` says why, `message` is fit to show. */
export class UserAccountError extends Error {
  override name = 'UserAccountError';
  constructor(
    readonly code: 'exists' | 'not_found' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

function parseOrThrow<T>(
  result: { success: true; data: T } | { success: false; error: { issues: { message: string }[] } },
): T {
  if (!result.success)
    throw new UserAccountError('invalid', result.error.issues[0]?.message ?? 'invalid value');
  return result.data;
}

/**
 * Dashboard users in MongoDB, passwords hashed with argon2id. Verification spends the same work whether or not the
 * account exists, so neither the answer nor its timing tells a caller which e-mail addresses are registered.
 */
export class UserAccounts {
  private dummyHash: Promise<string> | undefined;
  private indexed: Promise<unknown> | undefined;

  constructor(private readonly User: UserModel) {}

  /** Creates a user; throws `UserAccountError` ('exists' or 'invalid'). */
  async create(input: { email: string; role: UserRole; password: string }): Promise<UserInfo> {
    const email = parseOrThrow(UserEmail.safeParse(input.email));
    const password = parseOrThrow(NewPassword.safeParse(input.password));
    const now = new Date();
    const doc = {
      _id: randomBytes(9).toString('base64url'),
      email,
      role: input.role,
      passwordHash: await hash(password, HASH_OPTIONS),
      createdAt: now,
      passwordChangedAt: now,
    };
    try {
      // The unique e-mail index is what makes a second user with the same address fail.
      this.indexed ??= this.User.createIndexes().catch((error: unknown) => {
        this.indexed = undefined;
        throw error;
      });
      await this.indexed;
      await this.User.create(doc);
    } catch (error) {
      if ((error as { code?: number }).code === 11000)
        throw new UserAccountError('exists', `a user ${email} already exists`);
      throw error;
    }
    return toUserInfo(doc);
  }

  /**
   * The user whose e-mail and password match, else undefined. Inputs of any type are accepted and compared as
   * plain strings only (an object such as `{ "$ne": null }` never reaches the query).
   */
  async verify(email: unknown, password: unknown): Promise<UserInfo | undefined> {
    const parsedEmail = typeof email === 'string' ? UserEmail.safeParse(email) : undefined;
    const pass =
      typeof password === 'string' && password.length <= MAX_PASSWORD_LENGTH ? password : undefined;
    const doc =
      parsedEmail?.success && pass !== undefined
        ? await this.User.findOne({ email: { $eq: parsedEmail.data } }).lean<UserDoc & { _id: string }>()
        : null;
    const stored = doc?.passwordHash ?? (await this.dummy());
    const matches = await verify(stored, pass ?? 'x'.repeat(16)).catch(() => false);
    return doc && matches && pass !== undefined ? toUserInfo(doc) : undefined;
  }

  /** The user with this id, or undefined. */
  async byId(id: string): Promise<UserInfo | undefined> {
    const doc = await this.User.findOne({ _id: { $eq: id } }).lean<UserDoc & { _id: string }>();
    return doc ? toUserInfo(doc) : undefined;
  }

  /** Sets a new password (which ends the user's existing sessions); throws 'not_found' or 'invalid'. */
  async resetPassword(email: string, password: string): Promise<UserInfo> {
    const address = parseOrThrow(UserEmail.safeParse(email));
    const valid = parseOrThrow(NewPassword.safeParse(password));
    const doc = await this.User.findOneAndUpdate(
      { email: { $eq: address } },
      { $set: { passwordHash: await hash(valid, HASH_OPTIONS), passwordChangedAt: new Date() } },
      { new: true },
    ).lean<UserDoc & { _id: string }>();
    if (!doc) throw new UserAccountError('not_found', `no user ${address}`);
    return toUserInfo(doc);
  }

  /** Every user, oldest first. */
  async list(): Promise<UserInfo[]> {
    const docs = await this.User.find()
      .sort({ createdAt: 1 })
      .limit(1000)
      .lean<(UserDoc & { _id: string })[]>();
    return docs.map(toUserInfo);
  }

  /**
   * Creates `email` as an admin when the store holds no user at all (the first admin of a deployment); returns the
   * new user, or undefined when users already exist.
   */
  async ensureFirstAdmin(email: string, password: string): Promise<UserInfo | undefined> {
    if (await this.User.exists({})) return undefined;
    try {
      return await this.create({ email, role: 'admin', password });
    } catch (error) {
      // Another replica created it first.
      if (error instanceof UserAccountError && error.code === 'exists') return undefined;
      throw error;
    }
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hash(randomBytes(16).toString('hex'), HASH_OPTIONS);
    return this.dummyHash;
  }
}
