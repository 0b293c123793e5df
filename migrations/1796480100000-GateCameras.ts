import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Gate cameras (issue 19): a port's devices (their keys stored as SHA-256 hashes, looked up through a unique index)
 * and every plate read they send, with its outcome; and the port's camera rules on its schedule (the least
 * confidence that acts, the duplicate window, whether phones may still check in by position).
 */
export class GateCameras1796480100000 implements MigrationInterface {
    name = 'GateCameras1796480100000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "gate_devices" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "port_code" character varying(32) NOT NULL, "name" character varying(80) NOT NULL, "position" character varying(16) NOT NULL, "lane_id" uuid, "area_id" uuid, "key_hash" character varying(64), "key_issued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_seen_at" TIMESTAMP WITH TIME ZONE, "online" boolean NOT NULL DEFAULT false, "deleted_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "chk_gate_devices_online" CHECK (NOT "online" OR ("last_seen_at" IS NOT NULL AND "deleted_at" IS NULL)), CONSTRAINT "chk_gate_devices_key" CHECK (("key_hash" IS NULL) = ("deleted_at" IS NOT NULL)), CONSTRAINT "chk_gate_devices_place" CHECK (("position" = 'lane') = ("lane_id" IS NOT NULL) AND ("position" = 'holding_entry') = ("area_id" IS NOT NULL)), CONSTRAINT "chk_gate_devices_position" CHECK ("position" IN ('holding_entry', 'lane', 'yard_gate')), CONSTRAINT "pk_gate_devices" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_gate_devices_online" ON "gate_devices"  ("last_seen_at") WHERE "online"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_gate_devices_port_name" ON "gate_devices"  ("port_code", "name") WHERE "deleted_at" IS NULL`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_gate_devices_key_hash" ON "gate_devices"  ("key_hash") `);
        await queryRunner.query(`CREATE TABLE "gate_reads" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "device_id" uuid NOT NULL, "port_code" character varying(32) NOT NULL, "plate" character varying(32) NOT NULL, "plate_raw" character varying(64) NOT NULL, "confidence" double precision NOT NULL, "camera_at" TIMESTAMP WITH TIME ZONE, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "outcome" character varying(16) NOT NULL, "reason" character varying(40), "booking_id" uuid, "image_ref" character varying(200), "resolved_at" TIMESTAMP WITH TIME ZONE, "resolved_by" uuid, "resolution" character varying(16), CONSTRAINT "chk_gate_reads_resolution" CHECK (("resolved_at" IS NULL) = ("resolution" IS NULL) AND ("resolution" IS NULL OR "resolution" IN ('checked_in', 'dismissed'))), CONSTRAINT "chk_gate_reads_confidence" CHECK ("confidence" BETWEEN 0 AND 1), CONSTRAINT "chk_gate_reads_outcome" CHECK ("outcome" IN ('checked_in', 'at_lane', 'wrong_lane', 'yard_arrived', 'duplicate', 'low_confidence', 'unmatched', 'ambiguous', 'refused')), CONSTRAINT "pk_gate_reads" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_gate_reads_received" ON "gate_reads"  ("received_at") `);
        await queryRunner.query(`CREATE INDEX "ix_gate_reads_open" ON "gate_reads"  ("port_code", "received_at", "id") WHERE "resolved_at" IS NULL AND "outcome" IN ('unmatched', 'ambiguous', 'low_confidence')`);
        await queryRunner.query(`CREATE INDEX "ix_gate_reads_port_received" ON "gate_reads"  ("port_code", "received_at", "id") `);
        await queryRunner.query(`CREATE INDEX "ix_gate_reads_device_received" ON "gate_reads"  ("device_id", "received_at") `);
        await queryRunner.query(`CREATE INDEX "ix_gate_reads_device_plate" ON "gate_reads"  ("device_id", "plate", "received_at") `);
        await queryRunner.query(`ALTER TABLE "schedules" ADD "anpr_min_confidence" double precision NOT NULL DEFAULT '0.8'`);
        await queryRunner.query(`ALTER TABLE "schedules" ADD "dedupe_seconds" integer NOT NULL DEFAULT '120'`);
        await queryRunner.query(`ALTER TABLE "schedules" ADD "phone_check_in" boolean NOT NULL DEFAULT true`);
        await queryRunner.query(`ALTER TABLE "schedules" ADD CONSTRAINT "chk_schedules_gate" CHECK ("anpr_min_confidence" BETWEEN 0 AND 1 AND "dedupe_seconds" BETWEEN 0 AND 3600)`);
        await queryRunner.query(`ALTER TABLE "gate_devices" ADD CONSTRAINT "fk_gate_devices_port" FOREIGN KEY ("port_code") REFERENCES "ports"("code") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "gate_devices" ADD CONSTRAINT "fk_gate_devices_lane" FOREIGN KEY ("lane_id") REFERENCES "lanes"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "gate_devices" ADD CONSTRAINT "fk_gate_devices_area" FOREIGN KEY ("area_id") REFERENCES "parking_areas"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "gate_reads" ADD CONSTRAINT "fk_gate_reads_device" FOREIGN KEY ("device_id") REFERENCES "gate_devices"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "gate_reads" ADD CONSTRAINT "fk_gate_reads_port" FOREIGN KEY ("port_code") REFERENCES "ports"("code") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "gate_reads" ADD CONSTRAINT "fk_gate_reads_booking" FOREIGN KEY ("booking_id") REFERENCES "bookings"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "gate_reads" ADD CONSTRAINT "fk_gate_reads_resolved_by" FOREIGN KEY ("resolved_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "gate_reads" DROP CONSTRAINT "fk_gate_reads_resolved_by"`);
        await queryRunner.query(`ALTER TABLE "gate_reads" DROP CONSTRAINT "fk_gate_reads_booking"`);
        await queryRunner.query(`ALTER TABLE "gate_reads" DROP CONSTRAINT "fk_gate_reads_port"`);
        await queryRunner.query(`ALTER TABLE "gate_reads" DROP CONSTRAINT "fk_gate_reads_device"`);
        await queryRunner.query(`ALTER TABLE "gate_devices" DROP CONSTRAINT "fk_gate_devices_area"`);
        await queryRunner.query(`ALTER TABLE "gate_devices" DROP CONSTRAINT "fk_gate_devices_lane"`);
        await queryRunner.query(`ALTER TABLE "gate_devices" DROP CONSTRAINT "fk_gate_devices_port"`);
        await queryRunner.query(`ALTER TABLE "schedules" DROP CONSTRAINT "chk_schedules_gate"`);
        await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "phone_check_in"`);
        await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "dedupe_seconds"`);
        await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "anpr_min_confidence"`);
        await queryRunner.query(`DROP INDEX "public"."ix_gate_reads_device_plate"`);
        await queryRunner.query(`DROP INDEX "public"."ix_gate_reads_device_received"`);
        await queryRunner.query(`DROP INDEX "public"."ix_gate_reads_port_received"`);
        await queryRunner.query(`DROP INDEX "public"."ix_gate_reads_open"`);
        await queryRunner.query(`DROP INDEX "public"."ix_gate_reads_received"`);
        await queryRunner.query(`DROP TABLE "gate_reads"`);
        await queryRunner.query(`DROP INDEX "public"."uq_gate_devices_key_hash"`);
        await queryRunner.query(`DROP INDEX "public"."uq_gate_devices_port_name"`);
        await queryRunner.query(`DROP INDEX "public"."ix_gate_devices_online"`);
        await queryRunner.query(`DROP TABLE "gate_devices"`);
    }

}
