import { MigrationInterface, QueryRunner } from "typeorm";

/** Lanes' status history (lane_status_changes, one row per change), which waives the no-shows of a slot during
 *  which a lane was stopped. Nothing says when today's lanes took their status: a lane that is paused or closed
 *  at deploy time is recorded as changed then, and every lane counts as open before that. */
export class LaneStatusChanges1796019370000 implements MigrationInterface {
    name = 'LaneStatusChanges1796019370000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "lane_status_changes" ("id" BIGSERIAL NOT NULL, "lane_id" uuid NOT NULL, "status" character varying(8) NOT NULL, "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "changed_by" uuid, CONSTRAINT "chk_lane_status_changes_status" CHECK ("status" IN ('open', 'closed', 'paused')), CONSTRAINT "PK_b0be9457c02b0c08825be9add8b" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_lane_status_changes_lane" ON "lane_status_changes"  ("lane_id", "changed_at") `);
        await queryRunner.query(`ALTER TABLE "lane_status_changes" ADD CONSTRAINT "fk_lane_status_changes_lane" FOREIGN KEY ("lane_id") REFERENCES "lanes"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`INSERT INTO "lane_status_changes" ("lane_id", "status") SELECT "id", "status" FROM "lanes" WHERE "status" <> 'open'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "lane_status_changes" DROP CONSTRAINT "fk_lane_status_changes_lane"`);
        await queryRunner.query(`DROP INDEX "public"."ix_lane_status_changes_lane"`);
        await queryRunner.query(`DROP TABLE "lane_status_changes"`);
    }
}

