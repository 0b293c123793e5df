import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Sessions that last a shift: one row per refresh-token family (only the hash of the token that may be spent next),
 * and accounts that can be disabled.
 */
export class Sessions1796040000000 implements MigrationInterface {
    name = 'Sessions1796040000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "sessions" ("id" uuid NOT NULL, "user_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_used_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "rotations" integer NOT NULL DEFAULT '0', "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" character varying(20), CONSTRAINT "chk_sessions_reason" CHECK ("revoked_reason" IN ('logout', 'reuse', 'password_changed', 'disabled')), CONSTRAINT "chk_sessions_revoked" CHECK (("revoked_at" IS NULL) = ("revoked_reason" IS NULL)), CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_sessions_revoked_at" ON "sessions"  ("revoked_at") WHERE "revoked_at" IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "ix_sessions_user_live" ON "sessions"  ("user_id") WHERE "revoked_at" IS NULL`);
        await queryRunner.query(`ALTER TABLE "users" ADD "disabled_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "sessions" ADD CONSTRAINT "fk_sessions_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "sessions" DROP CONSTRAINT "fk_sessions_user"`);
        await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "disabled_at"`);
        await queryRunner.query(`DROP INDEX "public"."ix_sessions_user_live"`);
        await queryRunner.query(`DROP INDEX "public"."ix_sessions_revoked_at"`);
        await queryRunner.query(`DROP TABLE "sessions"`);
    }
}
