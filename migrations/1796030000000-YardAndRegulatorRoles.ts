import { MigrationInterface, QueryRunner } from "typeorm";

/** Two roles: yard_staff (one port's cargo yard) and regulator (reads every port, changes nothing). */
export class YardAndRegulatorRoles1796030000000 implements MigrationInterface {
    name = 'YardAndRegulatorRoles1796030000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "chk_users_role"`);
        await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "chk_users_scope"`);
        await queryRunner.query(`ALTER TABLE "users" ADD CONSTRAINT "chk_users_role" CHECK ("role" IN ('port_admin', 'port_staff', 'yard_staff', 'regulator', 'firm_admin', 'dispatcher'))`);
        await queryRunner.query(`ALTER TABLE "users" ADD CONSTRAINT "chk_users_scope" CHECK (("role" IN ('firm_admin', 'dispatcher')) = ("firm_id" IS NOT NULL) AND ("role" IN ('port_staff', 'yard_staff')) = ("port_code" IS NOT NULL))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "chk_users_scope"`);
        await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "chk_users_role"`);
        await queryRunner.query(`ALTER TABLE "users" ADD CONSTRAINT "chk_users_role" CHECK ("role" IN ('port_admin', 'port_staff', 'firm_admin', 'dispatcher'))`);
        await queryRunner.query(`ALTER TABLE "users" ADD CONSTRAINT "chk_users_scope" CHECK (("role" IN ('firm_admin', 'dispatcher')) = ("firm_id" IS NOT NULL) AND ("role" = 'port_staff') = ("port_code" IS NOT NULL))`);
    }
}
