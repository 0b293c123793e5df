import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A gate camera's plate picture, kept with its read where the port's schedule says so (`keep_gate_images`, off by
 * default: pictures are discarded). At most 1 MiB; deleted with its read (the 30-day purge).
 */
export class GateReadImages1796480600000 implements MigrationInterface {
    name = 'GateReadImages1796480600000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "gate_read_images" ("read_id" uuid NOT NULL, "content_type" character varying(40) NOT NULL, "bytes" bytea NOT NULL, CONSTRAINT "chk_gate_read_images_size" CHECK (octet_length("bytes") BETWEEN 1 AND 1048576), CONSTRAINT "pk_gate_read_images" PRIMARY KEY ("read_id"))`);
        await queryRunner.query(`ALTER TABLE "schedules" ADD "keep_gate_images" boolean NOT NULL DEFAULT false`);
        await queryRunner.query(`ALTER TABLE "gate_read_images" ADD CONSTRAINT "fk_gate_read_images_read" FOREIGN KEY ("read_id") REFERENCES "gate_reads"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "gate_read_images" DROP CONSTRAINT "fk_gate_read_images_read"`);
        await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "keep_gate_images"`);
        await queryRunner.query(`DROP TABLE "gate_read_images"`);
    }
}
