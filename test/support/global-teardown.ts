import { admin, templateDb } from './db';

export default async function globalTeardown(): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${templateDb()} WITH (FORCE)`));
}
