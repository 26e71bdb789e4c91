import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { USER_ROLES, type UserInfo } from '@logstream/shared-types';

/** Dashboard users. `email` is stored lower-cased and unique; `passwordHash` is an argon2id PHC string. */
export const userSchema = new Schema(
  {
    _id: { type: String, required: true },
    email: { type: String, required: true },
    role: { type: String, required: true, enum: USER_ROLES },
    passwordHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    passwordChangedAt: { type: Date, required: true },
  },
  { collection: 'users', versionKey: false },
);
userSchema.index({ email: 1 }, { unique: true });

export type UserDoc = InferSchemaType<typeof userSchema>;
export type UserModel = Model<UserDoc>;

/** The `users` model on a given connection. */
export function userModel(connection: Connection): UserModel {
  return (connection.models.User as UserModel | undefined) ?? connection.model<UserDoc>('User', userSchema);
}

/** The listed shape of a user (never the hash). */
export function toUserInfo(doc: UserDoc & { _id: string }): UserInfo {
  return {
    id: doc._id,
    email: doc.email,
    role: doc.role as UserInfo['role'],
    createdAt: new Date(doc.createdAt).toISOString(),
    passwordChangedAt: new Date(doc.passwordChangedAt).toISOString(),
  };
}
