import { MigrationInterface, QueryRunner } from "typeorm";

/** A declaration may be `reopened`: port staff took customs' acceptance back and the firm may file again. */
export class DeclarationReopened1796036200000 implements MigrationInterface {
    name = 'DeclarationReopened1796036200000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "chk_bookings_declaration_status"`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "chk_bookings_declaration_status" CHECK ("declaration_status" IN ('submitted', 'accepted', 'rejected', 'inspection', 'reopened'))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        // Before this release a reopened declaration was one waiting for customs, which is what the firm's next filing makes it.
        await queryRunner.query(`UPDATE "bookings" SET "declaration_status" = 'submitted' WHERE "declaration_status" = 'reopened'`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "chk_bookings_declaration_status"`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "chk_bookings_declaration_status" CHECK ("declaration_status" IN ('submitted', 'accepted', 'rejected', 'inspection'))`);
    }
}
