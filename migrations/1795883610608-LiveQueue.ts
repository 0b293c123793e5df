import { MigrationInterface, QueryRunner } from "typeorm";

/** The live queue: holding areas with bays, queue state per port and direction, and each booking's place,
 *  bay, lane and instructions. `queue_key_seq` hands out check-in order (not an entity, so not in the drift check). */

export class LiveQueue1795883610608 implements MigrationInterface {
    name = 'LiveQueue1795883610608'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE SEQUENCE "queue_key_seq"`);
        await queryRunner.query(`CREATE TABLE "parking_areas" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "port_code" character varying(32) NOT NULL, "name" character varying(120) NOT NULL, "lat" double precision NOT NULL, "lon" double precision NOT NULL, "radius_m" integer NOT NULL, "bays" integer NOT NULL, "reefer_bays" integer NOT NULL DEFAULT '0', "directions" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_parking_areas_geofence" CHECK ("lat" BETWEEN -90 AND 90 AND "lon" BETWEEN -180 AND 180 AND "radius_m" > 0), CONSTRAINT "chk_parking_areas_bays" CHECK ("bays" >= 0 AND "reefer_bays" >= 0 AND "reefer_bays" <= "bays"), CONSTRAINT "PK_2ffb33474b9d765bde81e1d9449" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_parking_areas_port_name" ON "parking_areas"  ("port_code", "name") `);
        await queryRunner.query(`CREATE TABLE "queue_state" ("port_code" character varying(32) NOT NULL, "direction" character varying(8) NOT NULL, "version" bigint NOT NULL DEFAULT '0', "regular_since_priority" integer NOT NULL DEFAULT '0', CONSTRAINT "chk_queue_state_direction" CHECK ("direction" IN ('export', 'import')), CONSTRAINT "PK_de615f5ebcb39c0a080f5116da7" PRIMARY KEY ("port_code", "direction"))`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "queue_key" double precision`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "priority" boolean NOT NULL DEFAULT false`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "parking_area_id" uuid`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "bay" integer`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "overflow" boolean NOT NULL DEFAULT false`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "lane_id" uuid`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "instructions" character varying(300)`);
        await queryRunner.query(`ALTER TABLE "schedules" ADD "priority_ratio" smallint NOT NULL DEFAULT '3'`);
        await queryRunner.query(`ALTER TABLE "schedules" ADD "priority_cap_percent" smallint NOT NULL DEFAULT '25'`);
        await queryRunner.query(`ALTER TABLE "schedules" ADD "default_service_minutes" smallint NOT NULL DEFAULT '8'`);
        await queryRunner.query(`CREATE INDEX "ix_bookings_lane_completed" ON "bookings"  ("lane_id", "completed_at") WHERE "status" = 'completed'`);
        await queryRunner.query(`CREATE INDEX "ix_bookings_waiting" ON "bookings"  ("port_code", "direction", "queue_key") WHERE "status" = 'checked_in'`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_bookings_bay" ON "bookings"  ("parking_area_id", "bay") WHERE "bay" IS NOT NULL`);
        await queryRunner.query(`ALTER TABLE "schedules" ADD CONSTRAINT "chk_schedules_service" CHECK ("default_service_minutes" BETWEEN 1 AND 240)`);
        await queryRunner.query(`ALTER TABLE "schedules" ADD CONSTRAINT "chk_schedules_priority" CHECK ("priority_ratio" BETWEEN 1 AND 50 AND "priority_cap_percent" BETWEEN 0 AND 100)`);
        await queryRunner.query(`ALTER TABLE "parking_areas" ADD CONSTRAINT "fk_parking_areas_port" FOREIGN KEY ("port_code") REFERENCES "ports"("code") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "fk_bookings_parking_area" FOREIGN KEY ("parking_area_id") REFERENCES "parking_areas"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "fk_bookings_lane" FOREIGN KEY ("lane_id") REFERENCES "lanes"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "queue_state" ADD CONSTRAINT "fk_queue_state_port" FOREIGN KEY ("port_code") REFERENCES "ports"("code") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "queue_state" DROP CONSTRAINT "fk_queue_state_port"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "fk_bookings_lane"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "fk_bookings_parking_area"`);
        await queryRunner.query(`ALTER TABLE "parking_areas" DROP CONSTRAINT "fk_parking_areas_port"`);
        await queryRunner.query(`ALTER TABLE "schedules" DROP CONSTRAINT "chk_schedules_priority"`);
        await queryRunner.query(`ALTER TABLE "schedules" DROP CONSTRAINT "chk_schedules_service"`);
        await queryRunner.query(`DROP INDEX "public"."uq_bookings_bay"`);
        await queryRunner.query(`DROP INDEX "public"."ix_bookings_waiting"`);
        await queryRunner.query(`DROP INDEX "public"."ix_bookings_lane_completed"`);
        await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "default_service_minutes"`);
        await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "priority_cap_percent"`);
        await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "priority_ratio"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "instructions"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "lane_id"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "overflow"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "bay"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "parking_area_id"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "priority"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "queue_key"`);
        await queryRunner.query(`DROP TABLE "queue_state"`);
        await queryRunner.query(`DROP INDEX "public"."uq_parking_areas_port_name"`);
        await queryRunner.query(`DROP TABLE "parking_areas"`);
        await queryRunner.query(`DROP SEQUENCE "queue_key_seq"`);
    }

}
