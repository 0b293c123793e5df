import { MigrationInterface, QueryRunner } from 'typeorm';

/** A port admin may disable a firm: its users cannot sign in or book while `disabled_at` is set. */
export class FirmDisabled1796470000000 implements MigrationInterface {
  name = 'FirmDisabled1796470000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "firms" ADD "disabled_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "firms" DROP COLUMN "disabled_at"`);
  }
}
