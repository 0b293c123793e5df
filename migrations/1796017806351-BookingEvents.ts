import { MigrationInterface, QueryRunner } from "typeorm";

/** The outbox of booking events (booking_events), written in the statement of each change. No NOTIFY: Postgres
 *  serialises the commits of notifying transactions, and every queue change would pay for it; the relay polls.
 *  Bookings made before this have no events: the history starts here. */
export class BookingEvents1796017806351 implements MigrationInterface {
    name = 'BookingEvents1796017806351'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "booking_events" ("seq" BIGSERIAL NOT NULL, "id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" character varying(32) NOT NULL, "booking_id" uuid NOT NULL, "firm_id" uuid NOT NULL, "port_code" character varying(32) NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "data" jsonb NOT NULL, "relayed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_eaaede2b77b571678760c682555" PRIMARY KEY ("seq"))`);
        await queryRunner.query(`CREATE INDEX "ix_booking_events_booking" ON "booking_events"  ("booking_id", "seq") `);
        await queryRunner.query(`CREATE INDEX "ix_booking_events_unrelayed" ON "booking_events"  ("seq") WHERE "relayed_at" IS NULL`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_booking_events_id" ON "booking_events"  ("id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."uq_booking_events_id"`);
        await queryRunner.query(`DROP INDEX "public"."ix_booking_events_unrelayed"`);
        await queryRunner.query(`DROP INDEX "public"."ix_booking_events_booking"`);
        await queryRunner.query(`DROP TABLE "booking_events"`);
    }
}
