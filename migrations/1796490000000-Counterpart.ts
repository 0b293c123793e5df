import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The far side of a port's border (issue 20): officers of role `counterpart` (one port each), what the far side says of
 * itself (status) and how many of our export trucks it takes per window of a date (acceptance), and each export slot's
 * share of that (`slots.accepted`, which its capacity stays within).
 */
export class Counterpart1796490000000 implements MigrationInterface {
  name = 'Counterpart1796490000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "chk_users_scope"`);
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "chk_users_role"`);
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "chk_users_role" CHECK ("role" IN ('port_admin', 'port_staff', 'yard_staff', 'regulator', 'firm_admin', 'dispatcher', 'counterpart'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "chk_users_scope" CHECK (("role" IN ('firm_admin', 'dispatcher')) = ("firm_id" IS NOT NULL) AND ("role" IN ('port_staff', 'yard_staff', 'counterpart')) = ("port_code" IS NOT NULL))`,
    );
    await queryRunner.query(
      `CREATE TABLE "counterpart_status" ("port_code" character varying(32) NOT NULL, "status" character varying(8) NOT NULL, "reason" character varying(500) NOT NULL, "reasons" jsonb NOT NULL DEFAULT '{}', "until" TIMESTAMP WITH TIME ZONE, "set_by" uuid NOT NULL, "set_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "chk_counterpart_status_status" CHECK ("status" IN ('open', 'slowed', 'closed')), CONSTRAINT "pk_counterpart_status" PRIMARY KEY ("port_code"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "counterpart_acceptance" ("port_code" character varying(32) NOT NULL, "service_date" date NOT NULL, "windows" jsonb NOT NULL, "reason" character varying(500), "set_by" uuid NOT NULL, "set_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_counterpart_acceptance" PRIMARY KEY ("port_code", "service_date"))`,
    );
    await queryRunner.query(`ALTER TABLE "slots" ADD "accepted" integer`);
    await queryRunner.query(
      `ALTER TABLE "slots" ADD CONSTRAINT "chk_slots_accepted" CHECK ("accepted" IS NULL OR ("direction" = 'export' AND "accepted" >= 0))`,
    );
    await queryRunner.query(
      `ALTER TABLE "counterpart_status" ADD CONSTRAINT "fk_counterpart_status_port" FOREIGN KEY ("port_code") REFERENCES "ports"("code") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "counterpart_acceptance" ADD CONSTRAINT "fk_counterpart_acceptance_port" FOREIGN KEY ("port_code") REFERENCES "ports"("code") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "counterpart_acceptance" DROP CONSTRAINT "fk_counterpart_acceptance_port"`);
    await queryRunner.query(`ALTER TABLE "counterpart_status" DROP CONSTRAINT "fk_counterpart_status_port"`);
    await queryRunner.query(`ALTER TABLE "slots" DROP CONSTRAINT "chk_slots_accepted"`);
    await queryRunner.query(`ALTER TABLE "slots" DROP COLUMN "accepted"`);
    await queryRunner.query(`DROP TABLE "counterpart_acceptance"`);
    await queryRunner.query(`DROP TABLE "counterpart_status"`);
    await queryRunner.query(`DELETE FROM "users" WHERE "role" = 'counterpart'`);
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "chk_users_scope"`);
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "chk_users_role"`);
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "chk_users_role" CHECK ("role" IN ('port_admin', 'port_staff', 'yard_staff', 'regulator', 'firm_admin', 'dispatcher'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "chk_users_scope" CHECK (("role" IN ('firm_admin', 'dispatcher')) = ("firm_id" IS NOT NULL) AND ("role" IN ('port_staff', 'yard_staff')) = ("port_code" IS NOT NULL))`,
    );
  }
}
