import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The audit trail: a queue of pending entries and the append-only, hash-chained log (a trigger refuses UPDATE,
 * DELETE and TRUNCATE, the owner included; PUBLIC gets none of them); and who made each booking event, from the
 * transaction's `kouan.actor` setting (kouan_actor()).
 */
export class AuditTrail1796032000000 implements MigrationInterface {
    name = 'AuditTrail1796032000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE FUNCTION kouan_actor() RETURNS jsonb LANGUAGE sql STABLE AS $$ SELECT NULLIF(current_setting('kouan.actor', true), '')::jsonb $$`);
        await queryRunner.query(`CREATE TABLE "audit_pending" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "type" character varying(48) NOT NULL, "actor" jsonb DEFAULT kouan_actor(), "port_code" character varying(32), "booking_id" uuid, "data" jsonb NOT NULL, CONSTRAINT "PK_75e10a15f610386e81e7f88cc29" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "audit_log" ("seq" bigint NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "type" character varying(48) NOT NULL, "actor" jsonb, "port_code" character varying(32), "booking_id" uuid, "data" jsonb NOT NULL, "prev_hash" character(64) NOT NULL, "hash" character(64) NOT NULL, CONSTRAINT "PK_ce5b9b7d945cab0a6c604bafd9e" PRIMARY KEY ("seq"))`);
        await queryRunner.query(`CREATE INDEX "ix_audit_log_booking" ON "audit_log"  ("booking_id") `);
        await queryRunner.query(`CREATE INDEX "ix_audit_log_at" ON "audit_log"  ("at") `);
        await queryRunner.query(`CREATE INDEX "ix_audit_log_port_at" ON "audit_log"  ("port_code", "at") `);
        await queryRunner.query(`ALTER TABLE "booking_events" ADD "actor" jsonb DEFAULT kouan_actor()`);
        await queryRunner.query(`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
            END $$`);
        await queryRunner.query(`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
        await queryRunner.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "audit_log" FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
        await queryRunner.query(`REVOKE UPDATE, DELETE, TRUNCATE ON "audit_log" FROM PUBLIC`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER audit_log_no_truncate ON "audit_log"`);
        await queryRunner.query(`DROP TRIGGER audit_log_append_only ON "audit_log"`);
        await queryRunner.query(`DROP FUNCTION audit_log_append_only()`);
        await queryRunner.query(`ALTER TABLE "booking_events" DROP COLUMN "actor"`);
        await queryRunner.query(`DROP INDEX "public"."ix_audit_log_port_at"`);
        await queryRunner.query(`DROP INDEX "public"."ix_audit_log_at"`);
        await queryRunner.query(`DROP INDEX "public"."ix_audit_log_booking"`);
        await queryRunner.query(`DROP TABLE "audit_log"`);
        await queryRunner.query(`DROP TABLE "audit_pending"`);
        await queryRunner.query(`DROP FUNCTION kouan_actor()`);
    }
}
