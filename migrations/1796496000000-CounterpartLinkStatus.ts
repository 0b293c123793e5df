import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Our incidents relayed across a link (issue 20, item 6): the status they last gave the far side, so a link posts
 * only a change.
 */
export class CounterpartLinkStatus1796496000000 implements MigrationInterface {
  name = 'CounterpartLinkStatus1796496000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "counterpart_links" ADD "pushed_status" character varying(1000)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "counterpart_links" DROP COLUMN "pushed_status"`);
  }
}
