import { MigrationInterface, QueryRunner } from "typeorm";

/** Ports publish versioned fee schedules (port_fees), each effective from a day; bookings show the one in force. */
export class PortFees1796024294249 implements MigrationInterface {
    name = 'PortFees1796024294249'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "port_fees" ("port_code" character varying(32) NOT NULL, "version" integer NOT NULL, "effective_from" date NOT NULL, "currency" character varying(3) NOT NULL, "items" jsonb NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_port_fees_currency" CHECK ("currency" ~ '^[A-Z]{3}$'), CONSTRAINT "PK_0ce60cdb68fb11d4aa5eaa1c738" PRIMARY KEY ("port_code", "version"))`);
        await queryRunner.query(`ALTER TABLE "port_fees" ADD CONSTRAINT "fk_port_fees_port" FOREIGN KEY ("port_code") REFERENCES "ports"("code") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "port_fees" DROP CONSTRAINT "fk_port_fees_port"`);
        await queryRunner.query(`DROP TABLE "port_fees"`);
    }
}
