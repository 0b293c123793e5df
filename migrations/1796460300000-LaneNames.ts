import { MigrationInterface, QueryRunner } from "typeorm";

/** Lanes get a display name per drivers' language (zh, en, lo, vi, my, th), set by the port admin (`/admin`). */
export class LaneNames1796460300000 implements MigrationInterface {
    name = 'LaneNames1796460300000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "lanes" ADD "names" jsonb NOT NULL DEFAULT '{}'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "lanes" DROP COLUMN "names"`);
    }
}
