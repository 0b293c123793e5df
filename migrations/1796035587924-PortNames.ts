import { MigrationInterface, QueryRunner } from "typeorm";

/** Ports get a name per drivers' language (zh for the seeded road ports); `seed` fills it, messages and the driver page use it. */
export class PortNames1796035587924 implements MigrationInterface {
    name = 'PortNames1796035587924'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "ports" ADD "names" jsonb NOT NULL DEFAULT '{}'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "ports" DROP COLUMN "names"`);
    }
}
