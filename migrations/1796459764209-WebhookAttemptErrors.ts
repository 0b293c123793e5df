import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The delivery log says only http_<status>, timeout or connection_failed: errnos and TLS messages told a firm what
 * lies behind an address. Earlier rows are rewritten the same way ("HTTP 500", "no answer within 10000 ms",
 * ECONNREFUSED…), then the constraint keeps it so.
 */
export class WebhookAttemptErrors1796459764209 implements MigrationInterface {
    name = 'WebhookAttemptErrors1796459764209'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`UPDATE "webhook_attempts" SET "error" = CASE
            WHEN "status_code" IS NOT NULL THEN 'http_' || "status_code"
            WHEN "error" LIKE 'no answer within %' THEN 'timeout'
            ELSE 'connection_failed' END
          WHERE "error" IS NOT NULL`);
        await queryRunner.query(`ALTER TABLE "webhook_attempts" ADD CONSTRAINT "chk_webhook_attempts_error" CHECK ("error" IS NULL OR "error" IN ('timeout', 'connection_failed') OR "error" ~ '^http_[0-9]{3}$')`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "webhook_attempts" DROP CONSTRAINT "chk_webhook_attempts_error"`);
    }
}
