import { MigrationInterface, QueryRunner } from "typeorm";

/** kouan_refuse(reason) aborts the statement that calls it, so a multi-step statement (a booking's place,
 *  quota share and row, as CTEs) can refuse part-way and leave nothing behind without an explicit transaction. */
export class RefuseFunction1795886956668 implements MigrationInterface {
    name = 'RefuseFunction1795886956668'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE FUNCTION kouan_refuse(reason text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
            BEGIN RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = reason; END $$`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP FUNCTION kouan_refuse(text)`);
    }
}
