import { MigrationInterface, QueryRunner } from "typeorm";

/** Holding areas get a name per drivers' language (zh, en, lo, vi, my, th); `seed` fills it for the seeded areas. */
export class AreaNames1796023644814 implements MigrationInterface {
    name = 'AreaNames1796023644814'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "parking_areas" ADD "names" jsonb NOT NULL DEFAULT '{}'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "parking_areas" DROP COLUMN "names"`);
    }
}
