import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Wrong driver codes are counted per reference (in all, from every address) and per reference and client
 * address (in the hour), in tables of their own rather than on the booking, so that references nobody booked are
 * counted alike (an existence probe then learns nothing). Each booking's driver code gets a version, carried in
 * its driver tokens, so a new code ends the old code's sessions. The counts in all are carried over (a locked
 * reference stays locked); the hourly ones knew no address and start again.
 */
export class DriverCodeGuesses1796459882790 implements MigrationInterface {
    name = 'DriverCodeGuesses1796459882790'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "chk_bookings_driver_code_failures"`);
        await queryRunner.query(`CREATE TABLE "driver_code_guesses" ("reference" character varying(60) NOT NULL, "failures" integer NOT NULL DEFAULT '0', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_driver_code_guesses_failures" CHECK ("failures" BETWEEN 0 AND 30), CONSTRAINT "PK_d8712a528c69d94b4c76a355480" PRIMARY KEY ("reference"))`);
        await queryRunner.query(`CREATE TABLE "driver_code_address_guesses" ("reference" character varying(60) NOT NULL, "address" character varying(64) NOT NULL, "window_start" TIMESTAMP WITH TIME ZONE NOT NULL, "failures" integer NOT NULL, CONSTRAINT "chk_driver_code_address_guesses_failures" CHECK ("failures" BETWEEN 1 AND 10), CONSTRAINT "PK_7ff139bc6cb49b55ebe060ea083" PRIMARY KEY ("reference", "address"))`);
        await queryRunner.query(`INSERT INTO "driver_code_guesses" ("reference", "failures") SELECT "reference", "driver_code_failures" FROM "bookings" WHERE "driver_code_failures" > 0`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "driver_code_failures"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "driver_code_window_start"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "driver_code_window_failures"`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "driver_code_version" integer NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "driver_code_address_guesses" ADD CONSTRAINT "FK_fa8e15b065188a78045ffff0363" FOREIGN KEY ("reference") REFERENCES "driver_code_guesses"("reference") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "driver_code_address_guesses" DROP CONSTRAINT "FK_fa8e15b065188a78045ffff0363"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "driver_code_version"`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "driver_code_window_failures" integer NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "driver_code_window_start" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "driver_code_failures" integer NOT NULL DEFAULT '0'`);
        await queryRunner.query(`UPDATE "bookings" b SET "driver_code_failures" = g."failures" FROM "driver_code_guesses" g WHERE g."reference" = b."reference"`);
        await queryRunner.query(`DROP TABLE "driver_code_address_guesses"`);
        await queryRunner.query(`DROP TABLE "driver_code_guesses"`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "chk_bookings_driver_code_failures" CHECK ("driver_code_failures" BETWEEN 0 AND 30 AND "driver_code_window_failures" BETWEEN 0 AND 10)`);
    }
}
