import { MigrationInterface, QueryRunner } from "typeorm";

/** Wrong driver codes per booking, in all and in the current hour, kept on the row so one conditional UPDATE
 *  counts each guess and refuses past the limits (10 an hour, 30 in all) however many guesses race. */
export class DriverCodeCounters1796009250568 implements MigrationInterface {
    name = 'DriverCodeCounters1796009250568'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "bookings" ADD "driver_code_failures" integer NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "driver_code_window_start" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "driver_code_window_failures" integer NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "chk_bookings_driver_code_failures" CHECK ("driver_code_failures" BETWEEN 0 AND 30 AND "driver_code_window_failures" BETWEEN 0 AND 10)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "chk_bookings_driver_code_failures"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "driver_code_window_failures"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "driver_code_window_start"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "driver_code_failures"`);
    }
}
