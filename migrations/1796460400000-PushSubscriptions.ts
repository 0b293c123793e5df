import { MigrationInterface, QueryRunner } from "typeorm";

/** Drivers' Web Push subscriptions (notify's table): one per booking, with the driver code version it was made under. */
export class PushSubscriptions1796460400000 implements MigrationInterface {
    name = 'PushSubscriptions1796460400000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "push_subscriptions" ("booking_id" uuid NOT NULL, "endpoint" character varying(1024) NOT NULL, "p256dh" character varying(100) NOT NULL, "auth" character varying(32) NOT NULL, "code_version" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_push_subscriptions" PRIMARY KEY ("booking_id"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "push_subscriptions"`);
    }
}
