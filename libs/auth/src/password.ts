import * as argon2 from 'argon2';

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, { type: argon2.argon2id });

/** A real hash to verify against when the email is unknown, so timing does not reveal which emails exist. */
let decoy: Promise<string> | undefined;

export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  decoy ??= hashPassword('kouan-decoy-password');
  try {
    return await argon2.verify(hash ?? (await decoy), password);
  } catch {
    return false;
  }
}
