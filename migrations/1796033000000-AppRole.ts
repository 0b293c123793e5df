import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The role the API and the worker should log in through (docs/operations.md): it reads and writes every table but
 * may only read and append to the audit trail, never update, delete or truncate it, and as a non-owner it cannot
 * switch the trigger off. Roles are cluster-wide: created once, kept on the way down (other databases may use it).
 */
export class AppRole1796033000000 implements MigrationInterface {
    name = 'AppRole1796033000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // A migrating role without CREATEROLE (some managed databases) skips the role and says so, rather than
        // failing the deployment; an administrator can create kouan_app and run the grants below by hand.
        await queryRunner.query(`DO $$ BEGIN
            BEGIN
              CREATE ROLE kouan_app NOLOGIN;
            EXCEPTION
              WHEN duplicate_object THEN NULL;
              WHEN insufficient_privilege THEN RAISE NOTICE 'no role kouan_app: the migrating role may not create roles';
            END;
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kouan_app') THEN
              GRANT USAGE ON SCHEMA public TO kouan_app;
              GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO kouan_app;
              GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO kouan_app;
              REVOKE UPDATE, DELETE ON audit_log FROM kouan_app;
              -- Tables and sequences later migrations create get the same grants; a new append-only table revokes as above.
              ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO kouan_app;
              ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO kouan_app;
            END IF;
          END $$`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kouan_app') THEN
              ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT, UPDATE ON SEQUENCES FROM kouan_app;
              ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM kouan_app;
              REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM kouan_app;
              REVOKE ALL ON ALL TABLES IN SCHEMA public FROM kouan_app;
              REVOKE USAGE ON SCHEMA public FROM kouan_app;
            END IF;
          END $$`);
    }
}
