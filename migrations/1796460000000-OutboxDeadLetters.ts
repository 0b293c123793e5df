import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A consumer that keeps failing on an event no longer holds the relay: its failures are counted per event and
 * consumer, and at OUTBOX_MAX_ATTEMPTS the event is parked for it (a dead letter) while the others get it.
 */
export class OutboxDeadLetters1796460000000 implements MigrationInterface {
  name = 'OutboxDeadLetters1796460000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "booking_event_failures" ("id" BIGSERIAL NOT NULL, "event_seq" bigint NOT NULL, "consumer" character varying(64) NOT NULL, "attempts" integer NOT NULL, "last_error" character varying(500) NOT NULL, "failed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "parked_at" TIMESTAMP WITH TIME ZONE, "replay_requested" boolean NOT NULL DEFAULT false, CONSTRAINT "uq_booking_event_failures_event_consumer" UNIQUE ("event_seq", "consumer"), CONSTRAINT "chk_booking_event_failures_replay" CHECK (NOT "replay_requested" OR "parked_at" IS NOT NULL), CONSTRAINT "chk_booking_event_failures_attempts" CHECK ("attempts" >= 1), CONSTRAINT "pk_booking_event_failures" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_booking_event_failures_parked" ON "booking_event_failures" ("id") WHERE "parked_at" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_booking_event_failures_replay" ON "booking_event_failures" ("id") WHERE "replay_requested"`,
    );
    await queryRunner.query(
      `ALTER TABLE "booking_event_failures" ADD CONSTRAINT "fk_booking_event_failures_event" FOREIGN KEY ("event_seq") REFERENCES "booking_events"("seq") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "booking_event_failures"`);
  }
}
