import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A called truck seen at its lane (a lane camera's read): the stage between the call and the lane's service. A truck put
 * back in line loses it; a completed one keeps it, and so does one staff then turned away as a no-show.
 */
export class AtLane1796480000000 implements MigrationInterface {
  name = 'AtLane1796480000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "bookings" ADD "at_lane_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `ALTER TABLE "bookings" ADD CONSTRAINT "chk_bookings_at_lane" CHECK ("at_lane_at" IS NULL OR "status" IN ('called', 'completed', 'no_show'))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "chk_bookings_at_lane"`);
    await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "at_lane_at"`);
  }
}
