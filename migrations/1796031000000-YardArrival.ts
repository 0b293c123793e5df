import { MigrationInterface, QueryRunner } from "typeorm";

/** Yard hand-off: when the yard confirmed a truck, the trucks it still awaits, and only completed trucks reach it. */
export class YardArrival1796031000000 implements MigrationInterface {
    name = 'YardArrival1796031000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "bookings" ADD "yard_arrived_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`CREATE INDEX "ix_bookings_yard_awaited" ON "bookings"  ("port_code", "direction", "completed_at") WHERE "status" = 'completed' AND "yard_arrived_at" IS NULL`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "chk_bookings_yard_arrived" CHECK ("yard_arrived_at" IS NULL OR "status" = 'completed')`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "chk_bookings_yard_arrived"`);
        await queryRunner.query(`DROP INDEX "public"."ix_bookings_yard_awaited"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "yard_arrived_at"`);
    }

}
