import { MigrationInterface, QueryRunner } from "typeorm";

/** The customs declaration filed with a booking and customs' answer; a schedule may require an accepted one at check-in. */
export class Declarations1796024584195 implements MigrationInterface {
    name = 'Declarations1796024584195'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "bookings" ADD "customs_office" character varying(80)`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "declaration_documents" jsonb NOT NULL DEFAULT '[]'`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "declaration_status" character varying(16)`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "declaration_note" character varying(200)`);
        await queryRunner.query(`ALTER TABLE "schedules" ADD "require_declaration" boolean NOT NULL DEFAULT false`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "chk_bookings_declaration_status" CHECK ("declaration_status" IN ('submitted', 'accepted', 'rejected', 'inspection'))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "chk_bookings_declaration_status"`);
        await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "require_declaration"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "declaration_note"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "declaration_status"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "declaration_documents"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "customs_office"`);
    }
}
