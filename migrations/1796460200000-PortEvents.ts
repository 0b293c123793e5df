import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The port's outbox: lane status, schedule and fee changes, slot counts and queue deltas are written as events in
 * the change's transaction and announced by the worker's relay (a crash between commit and publish lost them), with
 * the failures of its consumers counted and parked as booking_event_failures does for booking events.
 */
export class PortEvents1796460200000 implements MigrationInterface {
  name = 'PortEvents1796460200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "port_events" ("seq" BIGSERIAL NOT NULL, "port_code" character varying(32) NOT NULL, "direction" character varying(16), "type" character varying(32) NOT NULL, "data" jsonb NOT NULL, "actor" jsonb, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "relayed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_port_events" PRIMARY KEY ("seq"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_port_events_unrelayed" ON "port_events" ("seq") WHERE "relayed_at" IS NULL`);
    await queryRunner.query(
      `CREATE TABLE "port_event_failures" ("id" BIGSERIAL NOT NULL, "event_seq" bigint NOT NULL, "consumer" character varying(64) NOT NULL, "attempts" integer NOT NULL, "last_error" character varying(500) NOT NULL, "failed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "parked_at" TIMESTAMP WITH TIME ZONE, "replay_requested" boolean NOT NULL DEFAULT false, CONSTRAINT "uq_port_event_failures_event_consumer" UNIQUE ("event_seq", "consumer"), CONSTRAINT "chk_port_event_failures_replay" CHECK (NOT "replay_requested" OR "parked_at" IS NOT NULL), CONSTRAINT "chk_port_event_failures_attempts" CHECK ("attempts" >= 1), CONSTRAINT "pk_port_event_failures" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_port_event_failures_parked" ON "port_event_failures" ("id") WHERE "parked_at" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_port_event_failures_replay" ON "port_event_failures" ("id") WHERE "replay_requested"`,
    );
    await queryRunner.query(
      `ALTER TABLE "port_event_failures" ADD CONSTRAINT "fk_port_event_failures_event" FOREIGN KEY ("event_seq") REFERENCES "port_events"("seq") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "port_event_failures"`);
    await queryRunner.query(`DROP TABLE "port_events"`);
  }
}
