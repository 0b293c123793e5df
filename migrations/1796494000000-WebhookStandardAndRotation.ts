import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Standard Webhooks and CloudEvents (issue 21): an endpoint keeps the secret a rotation replaced, signing beside the
 * new one until it expires, and says which body it wants (Kouan's own, the default for every existing endpoint, or
 * a structured-mode CloudEvent).
 */
export class WebhookStandardAndRotation1796494000000 implements MigrationInterface {
  name = 'WebhookStandardAndRotation1796494000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_endpoints" ADD "previous_secret_sealed" character varying(200)`);
    await queryRunner.query(
      `ALTER TABLE "webhook_endpoints" ADD "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_endpoints" ADD "format" character varying(16) NOT NULL DEFAULT 'standard'`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "chk_webhook_endpoints_format" CHECK ("format" IN ('standard', 'cloudevents'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "chk_webhook_endpoints_previous_secret" CHECK (("previous_secret_sealed" IS NULL) = ("previous_secret_expires_at" IS NULL))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_endpoints" DROP CONSTRAINT "chk_webhook_endpoints_previous_secret"`);
    await queryRunner.query(`ALTER TABLE "webhook_endpoints" DROP CONSTRAINT "chk_webhook_endpoints_format"`);
    await queryRunner.query(`ALTER TABLE "webhook_endpoints" DROP COLUMN "format"`);
    await queryRunner.query(`ALTER TABLE "webhook_endpoints" DROP COLUMN "previous_secret_expires_at"`);
    await queryRunner.query(`ALTER TABLE "webhook_endpoints" DROP COLUMN "previous_secret_sealed"`);
  }
}
