import { MigrationInterface, QueryRunner } from "typeorm";

/** The free bays of every holding area (free_bays), kept by triggers on bookings and parking_areas in the statement
 *  that takes, leaves or adds a bay, so a check-in finds its bay with one step along an index instead of comparing
 *  every bay with every taken one under the port's locks. Filled from the bays free at deploy time. */
export class FreeBays1796580000000 implements MigrationInterface {
    name = 'FreeBays1796580000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "free_bays" ("parking_area_id" uuid NOT NULL, "bay" integer NOT NULL, CONSTRAINT "PK_434fa437129ac02b5696399655e" PRIMARY KEY ("parking_area_id", "bay"))`);
        await queryRunner.query(`ALTER TABLE "free_bays" ADD CONSTRAINT "fk_free_bays_area" FOREIGN KEY ("parking_area_id") REFERENCES "parking_areas"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        // A bay a booking leaves is free again only if, once its statement is done, no booking holds it and the area
        // still has it (a statement may move bays between bookings; an area may have shrunk below it).
        await queryRunner.query(`CREATE FUNCTION kouan_free_bays() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP <> 'INSERT' AND OLD.bay IS NOT NULL AND OLD.parking_area_id IS NOT NULL THEN
                INSERT INTO free_bays (parking_area_id, bay)
                SELECT pa.id, OLD.bay FROM parking_areas pa
                 WHERE pa.id = OLD.parking_area_id AND OLD.bay <= pa.bays
                   AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.parking_area_id = OLD.parking_area_id AND b.bay = OLD.bay)
                ON CONFLICT DO NOTHING;
              END IF;
              IF TG_OP <> 'DELETE' AND NEW.bay IS NOT NULL AND NEW.parking_area_id IS NOT NULL THEN
                DELETE FROM free_bays WHERE parking_area_id = NEW.parking_area_id AND bay = NEW.bay;
              END IF;
              RETURN NULL;
            END $$`);
        await queryRunner.query(`CREATE TRIGGER trg_bookings_free_bays_insert AFTER INSERT ON bookings
            FOR EACH ROW WHEN (NEW.bay IS NOT NULL) EXECUTE FUNCTION kouan_free_bays()`);
        await queryRunner.query(`CREATE TRIGGER trg_bookings_free_bays_update AFTER UPDATE OF parking_area_id, bay ON bookings
            FOR EACH ROW WHEN (OLD.bay IS DISTINCT FROM NEW.bay OR OLD.parking_area_id IS DISTINCT FROM NEW.parking_area_id)
            EXECUTE FUNCTION kouan_free_bays()`);
        await queryRunner.query(`CREATE TRIGGER trg_bookings_free_bays_delete AFTER DELETE ON bookings
            FOR EACH ROW WHEN (OLD.bay IS NOT NULL) EXECUTE FUNCTION kouan_free_bays()`);
        // An area made, or given another number of bays: its bays beyond the new number go, the free ones up to it come.
        await queryRunner.query(`CREATE FUNCTION kouan_area_free_bays() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              DELETE FROM free_bays WHERE parking_area_id = NEW.id AND bay > NEW.bays;
              INSERT INTO free_bays (parking_area_id, bay)
              SELECT NEW.id, n FROM generate_series(1, NEW.bays) AS n
               WHERE NOT EXISTS (SELECT 1 FROM bookings b WHERE b.parking_area_id = NEW.id AND b.bay = n)
              ON CONFLICT DO NOTHING;
              RETURN NULL;
            END $$`);
        await queryRunner.query(`CREATE TRIGGER trg_parking_areas_free_bays_insert AFTER INSERT ON parking_areas
            FOR EACH ROW EXECUTE FUNCTION kouan_area_free_bays()`);
        await queryRunner.query(`CREATE TRIGGER trg_parking_areas_free_bays_update AFTER UPDATE OF bays ON parking_areas
            FOR EACH ROW WHEN (OLD.bays IS DISTINCT FROM NEW.bays) EXECUTE FUNCTION kouan_area_free_bays()`);
        await queryRunner.query(`INSERT INTO free_bays (parking_area_id, bay)
            SELECT pa.id, n FROM parking_areas pa CROSS JOIN LATERAL generate_series(1, pa.bays) AS n
            WHERE NOT EXISTS (SELECT 1 FROM bookings b WHERE b.parking_area_id = pa.id AND b.bay = n)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER trg_parking_areas_free_bays_update ON parking_areas`);
        await queryRunner.query(`DROP TRIGGER trg_parking_areas_free_bays_insert ON parking_areas`);
        await queryRunner.query(`DROP FUNCTION kouan_area_free_bays()`);
        await queryRunner.query(`DROP TRIGGER trg_bookings_free_bays_delete ON bookings`);
        await queryRunner.query(`DROP TRIGGER trg_bookings_free_bays_update ON bookings`);
        await queryRunner.query(`DROP TRIGGER trg_bookings_free_bays_insert ON bookings`);
        await queryRunner.query(`DROP FUNCTION kouan_free_bays()`);
        await queryRunner.query(`ALTER TABLE "free_bays" DROP CONSTRAINT "fk_free_bays_area"`);
        await queryRunner.query(`DROP TABLE "free_bays"`);
    }
}
