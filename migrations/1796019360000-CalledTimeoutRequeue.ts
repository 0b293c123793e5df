import { MigrationInterface, QueryRunner } from "typeorm";

/** A called truck that misses its lane goes back into the line once before it becomes a no-show: bookings count
 *  those requeues (`called_timeouts`, at most one). Trucks called at deploy time start at 0, so each gets its
 *  one second chance. */
export class CalledTimeoutRequeue1796019360000 implements MigrationInterface {
    name = 'CalledTimeoutRequeue1796019360000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "bookings" ADD "called_timeouts" smallint NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "chk_bookings_called_timeouts" CHECK ("called_timeouts" BETWEEN 0 AND 1)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "chk_bookings_called_timeouts"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "called_timeouts"`);
    }
}

