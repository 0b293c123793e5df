import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Trucks announced across the border (issue 20, item 4): the far side's announced arrivals (`counterpart_arrivals`,
 * the booking lib's), the departures feed's index over the outbox's completions, the index that ends an arrival's
 * "on the way" when its plate checks in, and webhook endpoints of a port's far side (`port_code`, exactly one owner).
 */
export class CounterpartTraffic1796492000000 implements MigrationInterface {
    name = 'CounterpartTraffic1796492000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "counterpart_arrivals" ("id" BIGSERIAL NOT NULL, "port_code" character varying(32) NOT NULL, "plate" character varying(15) NOT NULL, "trailer_plate" character varying(15), "firm_name" character varying(200), "cargo" character varying(500), "declaration_no" character varying(40), "departed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "announced_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "uq_counterpart_arrivals_truck" UNIQUE ("port_code", "plate", "departed_at"), CONSTRAINT "pk_counterpart_arrivals" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_counterpart_arrivals_port_departed" ON "counterpart_arrivals"  ("port_code", "departed_at") `);
        await queryRunner.query(`ALTER TABLE "webhook_endpoints" ADD "port_code" character varying(32)`);
        await queryRunner.query(`ALTER TABLE "webhook_endpoints" ALTER COLUMN "firm_id" DROP NOT NULL`);
        await queryRunner.query(`CREATE INDEX "ix_booking_events_completed" ON "booking_events"  ("port_code", "seq") WHERE "type" = 'booking.completed'`);
        await queryRunner.query(`CREATE INDEX "ix_bookings_vehicle_checked_in" ON "bookings"  ("vehicle_id", "checked_in_at") WHERE "checked_in_at" IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "ix_webhook_endpoints_port" ON "webhook_endpoints"  ("port_code") WHERE "port_code" IS NOT NULL`);
        await queryRunner.query(`ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "chk_webhook_endpoints_owner" CHECK (("firm_id" IS NULL) <> ("port_code" IS NULL))`);
        await queryRunner.query(`ALTER TABLE "counterpart_arrivals" ADD CONSTRAINT "fk_counterpart_arrivals_port" FOREIGN KEY ("port_code") REFERENCES "ports"("code") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "fk_webhook_endpoints_port" FOREIGN KEY ("port_code") REFERENCES "ports"("code") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "webhook_endpoints" DROP CONSTRAINT "fk_webhook_endpoints_port"`);
        await queryRunner.query(`ALTER TABLE "counterpart_arrivals" DROP CONSTRAINT "fk_counterpart_arrivals_port"`);
        await queryRunner.query(`ALTER TABLE "webhook_endpoints" DROP CONSTRAINT "chk_webhook_endpoints_owner"`);
        await queryRunner.query(`DROP INDEX "public"."ix_webhook_endpoints_port"`);
        await queryRunner.query(`DROP INDEX "public"."ix_bookings_vehicle_checked_in"`);
        await queryRunner.query(`DROP INDEX "public"."ix_booking_events_completed"`);
        await queryRunner.query(`DELETE FROM "webhook_endpoints" WHERE "firm_id" IS NULL`);
        await queryRunner.query(`ALTER TABLE "webhook_endpoints" ALTER COLUMN "firm_id" SET NOT NULL`);
        await queryRunner.query(`ALTER TABLE "webhook_endpoints" DROP COLUMN "port_code"`);
        await queryRunner.query(`DROP INDEX "public"."ix_counterpart_arrivals_port_departed"`);
        await queryRunner.query(`DROP TABLE "counterpart_arrivals"`);
    }

}
