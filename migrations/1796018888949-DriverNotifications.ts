import { MigrationInterface, QueryRunner } from "typeorm";

/** Reminders before the slot (each once: the booking remembers it was reminded) and the notifications table the
 *  worker sends from (one row per event and channel). */
export class DriverNotifications1796018888949 implements MigrationInterface {
    name = 'DriverNotifications1796018888949'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "notifications" ("id" BIGSERIAL NOT NULL, "event_id" uuid NOT NULL, "channel" character varying(16) NOT NULL, "booking_id" uuid NOT NULL, "payload" jsonb NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "sent_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "uq_notifications_event_channel" UNIQUE ("event_id", "channel"), CONSTRAINT "chk_notifications_status" CHECK ("status" IN ('pending', 'sent', 'dead')), CONSTRAINT "PK_6a72c3c0f683f6462415e653c3a" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_notifications_due" ON "notifications"  ("next_at") WHERE "status" = 'pending'`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "reminded_2h_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "reminded_30m_at" TIMESTAMP WITH TIME ZONE`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "reminded_30m_at"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "reminded_2h_at"`);
        await queryRunner.query(`DROP INDEX "public"."ix_notifications_due"`);
        await queryRunner.query(`DROP TABLE "notifications"`);
    }
}
