import { MigrationInterface, QueryRunner } from 'typeorm';

/** The webhook tables' times come from the worker's (or the API's) Clock, never from the database's now(). */
export class WebhookTimesFromClock1796460100000 implements MigrationInterface {
  name = 'WebhookTimesFromClock1796460100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_endpoints" ALTER COLUMN "created_at" DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" ALTER COLUMN "next_at" DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" ALTER COLUMN "created_at" DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE "webhook_attempts" ALTER COLUMN "at" DROP DEFAULT`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_attempts" ALTER COLUMN "at" SET DEFAULT now()`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" ALTER COLUMN "created_at" SET DEFAULT now()`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" ALTER COLUMN "next_at" SET DEFAULT now()`);
    await queryRunner.query(`ALTER TABLE "webhook_endpoints" ALTER COLUMN "created_at" SET DEFAULT now()`);
  }
}
