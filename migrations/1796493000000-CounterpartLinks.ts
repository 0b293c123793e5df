import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two Kouan installations paired across the border (issue 20, item 5): where each of our ports' link stands (its
 * departures cursor, what it pushed as the far side's acceptance, its last success and failure).
 */
export class CounterpartLinks1796493000000 implements MigrationInterface {
  name = 'CounterpartLinks1796493000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "counterpart_links" ("port_code" character varying(32) NOT NULL, "remote" character varying(300) NOT NULL, "departures_cursor" character varying(200), "pushed" jsonb NOT NULL DEFAULT '{}', "last_success_at" TIMESTAMP WITH TIME ZONE, "last_failure_at" TIMESTAMP WITH TIME ZONE, "failures" integer NOT NULL DEFAULT '0', "last_error" character varying(500), "lease_until" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_counterpart_links" PRIMARY KEY ("port_code"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "counterpart_links" ADD CONSTRAINT "fk_counterpart_links_port" FOREIGN KEY ("port_code") REFERENCES "ports"("code") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "counterpart_links" DROP CONSTRAINT "fk_counterpart_links_port"`);
    await queryRunner.query(`DROP TABLE "counterpart_links"`);
  }
}
