import { MigrationInterface, QueryRunner } from "typeorm";

/** Strikes per firm: every no-show has its time (`no_show_at`: a strike counts 30 days from it), staff can waive
 *  one with a reason, and each schedule sets the strike limit above which a firm's quota share is halved
 *  (default 5). No-shows made before this take their booking's last change as their time: no_show is final, so
 *  that is when it became one. */
export class Strikes1796019380000 implements MigrationInterface {
    name = 'Strikes1796019380000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "bookings" ADD "no_show_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "waived_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "waived_by" uuid`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "waiver_reason" character varying(500)`);
        await queryRunner.query(`ALTER TABLE "schedules" ADD "strike_limit" smallint NOT NULL DEFAULT '5'`);
        await queryRunner.query(`UPDATE "bookings" SET "no_show_at" = "updated_at" WHERE "status" = 'no_show'`);
        await queryRunner.query(`CREATE INDEX "ix_bookings_firm_no_shows" ON "bookings"  ("firm_id", "no_show_at") WHERE "status" = 'no_show'`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "chk_bookings_waiver" CHECK ("waived_at" IS NULL OR ("status" = 'no_show' AND "waiver_reason" IS NOT NULL))`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "chk_bookings_no_show_at" CHECK (("status" = 'no_show') = ("no_show_at" IS NOT NULL))`);
        await queryRunner.query(`ALTER TABLE "schedules" ADD CONSTRAINT "chk_schedules_strike_limit" CHECK ("strike_limit" BETWEEN 0 AND 100)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "schedules" DROP CONSTRAINT "chk_schedules_strike_limit"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "chk_bookings_no_show_at"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "chk_bookings_waiver"`);
        await queryRunner.query(`DROP INDEX "public"."ix_bookings_firm_no_shows"`);
        await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "strike_limit"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "waiver_reason"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "waived_by"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "waived_at"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "no_show_at"`);
    }
}

