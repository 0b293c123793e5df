import { MigrationInterface, QueryRunner } from "typeorm";

/** A skip holds trucks at the front of the line: the truck first in line at that moment and the skipped one
 *  directly behind it (`front_key`, from `queue_key_seq`, larger first; docs/queue-rules.md "Skip"). A truck
 *  loses it when it is called. Trucks waiting at deploy time keep their places: the column starts empty. */
export class SkipHeldAtFront1796011125593 implements MigrationInterface {
    name = 'SkipHeldAtFront1796011125593'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "bookings" ADD "front_key" bigint`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "front_key"`);
    }
}
