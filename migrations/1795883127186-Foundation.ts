import { MigrationInterface, QueryRunner } from "typeorm";

/** The foundation: ports, lanes, schedules, slots with their place counters, firms, users, vehicles, drivers,
 *  bookings and idempotency keys. Capacity (booked <= capacity) and one active booking per vehicle, port and
 *  day are database constraints, not just code. */

export class Foundation1795883127186 implements MigrationInterface {
    name = 'Foundation1795883127186'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(254) NOT NULL, "password_hash" character varying(200) NOT NULL, "role" character varying(16) NOT NULL, "firm_id" uuid, "port_code" character varying(32), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_users_scope" CHECK (("role" IN ('firm_admin', 'dispatcher')) = ("firm_id" IS NOT NULL) AND ("role" = 'port_staff') = ("port_code" IS NOT NULL)), CONSTRAINT "chk_users_role" CHECK ("role" IN ('port_admin', 'port_staff', 'firm_admin', 'dispatcher')), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_email" ON "users"  ("email") `);
        await queryRunner.query(`CREATE TABLE "firms" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "country" character varying(2) NOT NULL, "contact_email" character varying(254) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c9d50a09ac204d1a705685718de" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "drivers" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "firm_id" uuid NOT NULL, "name" character varying(120) NOT NULL, "phone" character varying(16) NOT NULL, "licence_no" character varying(40) NOT NULL, "language" character varying(2) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_drivers_language" CHECK ("language" IN ('zh', 'en', 'lo', 'vi', 'my', 'th')), CONSTRAINT "PK_92ab3fb69e566d3eb0cae896047" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_drivers_firm" ON "drivers"  ("firm_id") `);
        await queryRunner.query(`CREATE TABLE "vehicles" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "firm_id" uuid NOT NULL, "plate" character varying(15) NOT NULL, "country" character varying(2) NOT NULL, "trailer_plate" character varying(15), "reefer" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_18d8646b59304dce4af3a9e35b6" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_vehicles_plate" ON "vehicles"  ("plate") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_vehicles_firm_plate" ON "vehicles"  ("firm_id", "plate") `);
        await queryRunner.query(`CREATE TABLE "lanes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "port_code" character varying(32) NOT NULL, "name" character varying(40) NOT NULL, "direction" character varying(8) NOT NULL, "status" character varying(8) NOT NULL DEFAULT 'open', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_lanes_status" CHECK ("status" IN ('open', 'closed', 'paused')), CONSTRAINT "chk_lanes_direction" CHECK ("direction" IN ('export', 'import')), CONSTRAINT "PK_b769ecf46145bd77d654613c07c" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_lanes_port_name" ON "lanes"  ("port_code", "name") `);
        await queryRunner.query(`CREATE TABLE "ports" ("code" character varying(32) NOT NULL, "name" character varying(120) NOT NULL, "county" character varying(120) NOT NULL, "mode" character varying(8) NOT NULL, "neighbour" character varying(2), "counterpart" character varying(120), "counterpart_location" character varying(120), "level" character varying(16), "positioning" character varying(40) NOT NULL, "time_zone" character varying(64) NOT NULL DEFAULT 'Asia/Shanghai', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_ports_mode" CHECK ("mode" IN ('road', 'rail', 'air', 'water')), CONSTRAINT "PK_b99b91b219176a4e1ba80e268fb" PRIMARY KEY ("code"))`);
        await queryRunner.query(`CREATE TABLE "slots" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "port_code" character varying(32) NOT NULL, "direction" character varying(8) NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "capacity" integer NOT NULL, "booked" integer NOT NULL DEFAULT '0', "retired_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_slots_direction" CHECK ("direction" IN ('export', 'import')), CONSTRAINT "chk_slots_window" CHECK ("ends_at" > "starts_at"), CONSTRAINT "chk_slots_booked_non_negative" CHECK ("booked" >= 0), CONSTRAINT "chk_slots_booked_within_capacity" CHECK ("booked" <= "capacity"), CONSTRAINT "PK_8b553bb1941663b63fd38405e42" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_slots_port_direction_start" ON "slots"  ("port_code", "direction", "starts_at") WHERE "retired_at" IS NULL`);
        await queryRunner.query(`CREATE TABLE "slot_firm_usage" ("slot_id" uuid NOT NULL, "firm_id" uuid NOT NULL, "booked" integer NOT NULL DEFAULT '0', CONSTRAINT "chk_slot_firm_usage_booked_non_negative" CHECK ("booked" >= 0), CONSTRAINT "PK_d0c66c316fbd4edc077516c1afc" PRIMARY KEY ("slot_id", "firm_id"))`);
        await queryRunner.query(`CREATE TABLE "bookings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "reference" character varying(60) NOT NULL, "firm_id" uuid NOT NULL, "slot_id" uuid NOT NULL, "port_code" character varying(32) NOT NULL, "direction" character varying(8) NOT NULL, "service_date" date NOT NULL, "vehicle_id" uuid NOT NULL, "driver_id" uuid NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'booked', "driver_code_hash" character varying(64) NOT NULL, "cargo_description" character varying(500) NOT NULL, "hs_code" character varying(10) NOT NULL, "weight_kg" integer NOT NULL, "perishable" boolean NOT NULL DEFAULT false, "declaration_no" character varying(40), "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "checked_in_at" TIMESTAMP WITH TIME ZONE, "called_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "cancelled_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "chk_bookings_hs_code" CHECK ("hs_code" ~ '^[0-9]{6,10}$'), CONSTRAINT "chk_bookings_weight" CHECK ("weight_kg" BETWEEN 1 AND 100000), CONSTRAINT "chk_bookings_status" CHECK ("status" IN ('booked', 'checked_in', 'called', 'completed', 'cancelled', 'no_show')), CONSTRAINT "PK_bee6805982cc1e248e94ce94957" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_bookings_active_vehicle_port_day" ON "bookings"  ("vehicle_id", "port_code", "service_date") WHERE "status" IN ('booked', 'checked_in', 'called')`);
        await queryRunner.query(`CREATE INDEX "ix_bookings_port_date" ON "bookings"  ("port_code", "service_date") `);
        await queryRunner.query(`CREATE INDEX "ix_bookings_slot" ON "bookings"  ("slot_id") `);
        await queryRunner.query(`CREATE INDEX "ix_bookings_firm_date" ON "bookings"  ("firm_id", "service_date") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_bookings_reference" ON "bookings"  ("reference") `);
        await queryRunner.query(`CREATE TABLE "idempotency_keys" ("firm_id" uuid NOT NULL, "key" character varying(200) NOT NULL, "request_hash" character varying(64) NOT NULL, "response" jsonb, "driver_code_sealed" character varying(120), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_18ed2b8cbe6ce785804b8834c1d" PRIMARY KEY ("firm_id", "key"))`);
        await queryRunner.query(`CREATE INDEX "ix_idempotency_keys_created_at" ON "idempotency_keys"  ("created_at") `);
        await queryRunner.query(`CREATE TABLE "schedules" ("port_code" character varying(32) NOT NULL, "slot_minutes" smallint NOT NULL, "capacity_export" integer NOT NULL, "capacity_import" integer NOT NULL, "open_from" smallint NOT NULL, "open_to" smallint NOT NULL, "firm_quota_percent" smallint NOT NULL, "horizon_days" smallint NOT NULL, "early_arrival_minutes" smallint NOT NULL, "check_in_grace_minutes" smallint NOT NULL, "called_timeout_minutes" smallint NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_schedules_quota" CHECK ("firm_quota_percent" BETWEEN 1 AND 100), CONSTRAINT "chk_schedules_capacity" CHECK ("capacity_export" >= 0 AND "capacity_import" >= 0), CONSTRAINT "chk_schedules_open" CHECK ("open_from" >= 0 AND "open_to" <= 1440 AND "open_from" < "open_to"), CONSTRAINT "chk_schedules_slot_minutes" CHECK ("slot_minutes" BETWEEN 5 AND 720), CONSTRAINT "PK_e84d748384764018034b4e5e20f" PRIMARY KEY ("port_code"))`);
        await queryRunner.query(`ALTER TABLE "users" ADD CONSTRAINT "fk_users_firm" FOREIGN KEY ("firm_id") REFERENCES "firms"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "users" ADD CONSTRAINT "fk_users_port" FOREIGN KEY ("port_code") REFERENCES "ports"("code") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "drivers" ADD CONSTRAINT "fk_drivers_firm" FOREIGN KEY ("firm_id") REFERENCES "firms"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "vehicles" ADD CONSTRAINT "fk_vehicles_firm" FOREIGN KEY ("firm_id") REFERENCES "firms"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "lanes" ADD CONSTRAINT "fk_lanes_port" FOREIGN KEY ("port_code") REFERENCES "ports"("code") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "slots" ADD CONSTRAINT "fk_slots_port" FOREIGN KEY ("port_code") REFERENCES "ports"("code") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "slot_firm_usage" ADD CONSTRAINT "fk_slot_firm_usage_slot" FOREIGN KEY ("slot_id") REFERENCES "slots"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "slot_firm_usage" ADD CONSTRAINT "fk_slot_firm_usage_firm" FOREIGN KEY ("firm_id") REFERENCES "firms"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "fk_bookings_firm" FOREIGN KEY ("firm_id") REFERENCES "firms"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "fk_bookings_slot" FOREIGN KEY ("slot_id") REFERENCES "slots"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "fk_bookings_vehicle" FOREIGN KEY ("vehicle_id") REFERENCES "vehicles"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "fk_bookings_driver" FOREIGN KEY ("driver_id") REFERENCES "drivers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "schedules" ADD CONSTRAINT "fk_schedules_port" FOREIGN KEY ("port_code") REFERENCES "ports"("code") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "schedules" DROP CONSTRAINT "fk_schedules_port"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "fk_bookings_driver"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "fk_bookings_vehicle"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "fk_bookings_slot"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "fk_bookings_firm"`);
        await queryRunner.query(`ALTER TABLE "slot_firm_usage" DROP CONSTRAINT "fk_slot_firm_usage_firm"`);
        await queryRunner.query(`ALTER TABLE "slot_firm_usage" DROP CONSTRAINT "fk_slot_firm_usage_slot"`);
        await queryRunner.query(`ALTER TABLE "slots" DROP CONSTRAINT "fk_slots_port"`);
        await queryRunner.query(`ALTER TABLE "lanes" DROP CONSTRAINT "fk_lanes_port"`);
        await queryRunner.query(`ALTER TABLE "vehicles" DROP CONSTRAINT "fk_vehicles_firm"`);
        await queryRunner.query(`ALTER TABLE "drivers" DROP CONSTRAINT "fk_drivers_firm"`);
        await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "fk_users_port"`);
        await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "fk_users_firm"`);
        await queryRunner.query(`DROP TABLE "schedules"`);
        await queryRunner.query(`DROP INDEX "public"."ix_idempotency_keys_created_at"`);
        await queryRunner.query(`DROP TABLE "idempotency_keys"`);
        await queryRunner.query(`DROP INDEX "public"."uq_bookings_reference"`);
        await queryRunner.query(`DROP INDEX "public"."ix_bookings_firm_date"`);
        await queryRunner.query(`DROP INDEX "public"."ix_bookings_slot"`);
        await queryRunner.query(`DROP INDEX "public"."ix_bookings_port_date"`);
        await queryRunner.query(`DROP INDEX "public"."uq_bookings_active_vehicle_port_day"`);
        await queryRunner.query(`DROP TABLE "bookings"`);
        await queryRunner.query(`DROP TABLE "slot_firm_usage"`);
        await queryRunner.query(`DROP INDEX "public"."uq_slots_port_direction_start"`);
        await queryRunner.query(`DROP TABLE "slots"`);
        await queryRunner.query(`DROP TABLE "ports"`);
        await queryRunner.query(`DROP INDEX "public"."uq_lanes_port_name"`);
        await queryRunner.query(`DROP TABLE "lanes"`);
        await queryRunner.query(`DROP INDEX "public"."uq_vehicles_firm_plate"`);
        await queryRunner.query(`DROP INDEX "public"."ix_vehicles_plate"`);
        await queryRunner.query(`DROP TABLE "vehicles"`);
        await queryRunner.query(`DROP INDEX "public"."ix_drivers_firm"`);
        await queryRunner.query(`DROP TABLE "drivers"`);
        await queryRunner.query(`DROP TABLE "firms"`);
        await queryRunner.query(`DROP INDEX "public"."uq_users_email"`);
        await queryRunner.query(`DROP TABLE "users"`);
    }

}
