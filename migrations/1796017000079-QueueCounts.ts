import { MigrationInterface, QueryRunner } from "typeorm";

/** Group sizes of every waiting line (queue_counts), kept by a trigger on bookings in the statement that moves a
 *  truck into or out of `checked_in` (or changes its group while waiting), so a truck joining the line gets its
 *  place from a few sums instead of a count of the line. Filled from the trucks waiting at deploy time. Held
 *  trucks (a skip) are ranked by their own index, ix_bookings_held. */
export class QueueCounts1796017000079 implements MigrationInterface {
    name = 'QueueCounts1796017000079'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "queue_counts" ("port_code" character varying(32) NOT NULL, "direction" character varying(8) NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "priority" boolean NOT NULL, "held" boolean NOT NULL, "waiting" integer NOT NULL, CONSTRAINT "chk_queue_counts_waiting" CHECK ("waiting" > 0), CONSTRAINT "PK_ba631fae1c778a3972a2aa0b9dc" PRIMARY KEY ("port_code", "direction", "starts_at", "priority", "held"))`);
        await queryRunner.query(`CREATE INDEX "ix_bookings_held" ON "bookings"  ("port_code", "direction", "front_key") WHERE "status" = 'checked_in' AND "front_key" IS NOT NULL`);
        await queryRunner.query(`CREATE FUNCTION kouan_queue_counts() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP <> 'INSERT' AND OLD.status = 'checked_in' THEN
                -- The last truck of a group takes its row with it (a row is never 0).
                DELETE FROM queue_counts c USING slots s
                 WHERE s.id = OLD.slot_id AND c.port_code = OLD.port_code AND c.direction = OLD.direction
                   AND c.starts_at = s.starts_at AND c.priority = OLD.priority AND c.held = (OLD.front_key IS NOT NULL)
                   AND c.waiting = 1;
                IF NOT FOUND THEN
                  UPDATE queue_counts c SET waiting = c.waiting - 1 FROM slots s
                   WHERE s.id = OLD.slot_id AND c.port_code = OLD.port_code AND c.direction = OLD.direction
                     AND c.starts_at = s.starts_at AND c.priority = OLD.priority AND c.held = (OLD.front_key IS NOT NULL);
                END IF;
              END IF;
              IF TG_OP <> 'DELETE' AND NEW.status = 'checked_in' THEN
                INSERT INTO queue_counts AS c (port_code, direction, starts_at, priority, held, waiting)
                SELECT NEW.port_code, NEW.direction, s.starts_at, NEW.priority, NEW.front_key IS NOT NULL, 1
                FROM slots s WHERE s.id = NEW.slot_id
                ON CONFLICT (port_code, direction, starts_at, priority, held) DO UPDATE SET waiting = c.waiting + 1;
              END IF;
              RETURN NULL;
            END $$`);
        await queryRunner.query(`CREATE TRIGGER trg_bookings_queue_counts_insert AFTER INSERT ON bookings
            FOR EACH ROW WHEN (NEW.status = 'checked_in') EXECUTE FUNCTION kouan_queue_counts()`);
        await queryRunner.query(`CREATE TRIGGER trg_bookings_queue_counts_update
            AFTER UPDATE OF status, front_key, priority, slot_id, port_code, direction ON bookings
            FOR EACH ROW WHEN (OLD.status = 'checked_in' OR NEW.status = 'checked_in') EXECUTE FUNCTION kouan_queue_counts()`);
        await queryRunner.query(`CREATE TRIGGER trg_bookings_queue_counts_delete AFTER DELETE ON bookings
            FOR EACH ROW WHEN (OLD.status = 'checked_in') EXECUTE FUNCTION kouan_queue_counts()`);
        await queryRunner.query(`INSERT INTO queue_counts (port_code, direction, starts_at, priority, held, waiting)
            SELECT b.port_code, b.direction, s.starts_at, b.priority, b.front_key IS NOT NULL, count(*)
            FROM bookings b JOIN slots s ON s.id = b.slot_id WHERE b.status = 'checked_in' GROUP BY 1, 2, 3, 4, 5`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER trg_bookings_queue_counts_delete ON bookings`);
        await queryRunner.query(`DROP TRIGGER trg_bookings_queue_counts_update ON bookings`);
        await queryRunner.query(`DROP TRIGGER trg_bookings_queue_counts_insert ON bookings`);
        await queryRunner.query(`DROP FUNCTION kouan_queue_counts()`);
        await queryRunner.query(`DROP INDEX "public"."ix_bookings_held"`);
        await queryRunner.query(`DROP TABLE "queue_counts"`);
    }
}
