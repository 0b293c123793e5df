import { Client, escapeIdentifier, escapeLiteral } from 'pg';

/**
 * The role migrations AppRole and AuditChainInDatabase grant the app's rights to: every table, but only append to
 * and read the audit trail.
 */
export const APP_ROLE = 'kouan_app';

/**
 * Makes the login named in `appUrl` (its user and password) a member of kouan_app: creates it, or sets its password
 * and membership again. Run by the tables' owner (`ownerUrl`) after the migrations; the API and the worker then log
 * in with `appUrl`, so the audit trail's grants hold for them (docs/operations.md). Refuses a login that is the owner
 * or a superuser, which would make those grants meaningless.
 */
export async function ensureAppLogin(ownerUrl: string, appUrl: string): Promise<{ login: string; created: boolean }> {
  const app = new URL(appUrl);
  const login = decodeURIComponent(app.username);
  const password = app.password ? escapeLiteral(decodeURIComponent(app.password)) : 'NULL';
  const c = new Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    const {
      rows: [me],
    } = await c.query<{ user: string }>('SELECT current_user AS user');
    if (login === me.user)
      throw new Error(`APP_DATABASE_URL logs in as ${login}, the tables' owner: name another user`);
    if (!(await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [APP_ROLE])).rowCount) {
      throw new Error(`role ${APP_ROLE} does not exist: the migrating user may not create roles (docs/operations.md)`);
    }
    const {
      rows: [found],
    } = await c.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = $1', [login]);
    if (found?.rolsuper) throw new Error(`${login} is a superuser: the app's login must not be one`);
    const role = escapeIdentifier(login);
    let created = false;
    if (!found) {
      try {
        await c.query(`CREATE ROLE ${role} LOGIN PASSWORD ${password} IN ROLE ${APP_ROLE}`);
        created = true;
      } catch (e) {
        // Another process created it between our look and our create.
        if ((e as { code?: string }).code !== '42710') throw e;
      }
    }
    if (!created) {
      await c.query(`ALTER ROLE ${role} LOGIN PASSWORD ${password}`);
      await c.query(`GRANT ${APP_ROLE} TO ${role}`);
    }
    return { login, created };
  } finally {
    await c.end();
  }
}
