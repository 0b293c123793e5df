import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Incidents at a port (issue 20, coordinated emergency response): opened and closed by its staff, shown on both sides'
 * consoles, boards, drivers' and firms' pages; an open `closure` stops the port's calls.
 */
export class PortIncidents1796491000000 implements MigrationInterface {
  name = 'PortIncidents1796491000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "port_incidents" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "port_code" character varying(32) NOT NULL, "kind" character varying(16) NOT NULL, "message" character varying(500) NOT NULL, "until" TIMESTAMP WITH TIME ZONE, "opened_by" uuid NOT NULL, "opened_at" TIMESTAMP WITH TIME ZONE NOT NULL, "closed_by" uuid, "closed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "chk_port_incidents_kind" CHECK ("kind" IN ('closure', 'slowdown', 'accident', 'weather', 'system')), CONSTRAINT "pk_port_incidents" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_port_incidents_open" ON "port_incidents" ("port_code") WHERE "closed_at" IS NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "port_incidents" ADD CONSTRAINT "fk_port_incidents_port" FOREIGN KEY ("port_code") REFERENCES "ports"("code") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "port_incidents" DROP CONSTRAINT "fk_port_incidents_port"`);
    await queryRunner.query(`DROP INDEX "public"."ix_port_incidents_open"`);
    await queryRunner.query(`DROP TABLE "port_incidents"`);
  }
}
