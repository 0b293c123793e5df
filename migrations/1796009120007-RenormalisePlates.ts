import { MigrationInterface, QueryRunner } from "typeorm";
import { normalisePlate } from "@kouan/common";

/** Stored plates in this release's normal form (NFKC, Greek and Cyrillic look-alikes folded to Latin), so a plate
 *  typed either way finds the vehicle registered before. A firm may hold two spellings of one plate: a vehicle
 *  already in normal form keeps it, otherwise the oldest takes it, and the others keep their old spelling (the
 *  conditional UPDATE never breaks uq_vehicles_firm_plate; such duplicates are for the firm to retire). A plate the new rules refuse (e.g. only marks) is left as it is. Data only:
 *  down() has nothing to undo that a client could tell apart. */
export class RenormalisePlates1796009120007 implements MigrationInterface {
    name = 'RenormalisePlates1796009120007'

    public async up(queryRunner: QueryRunner): Promise<void> {
        const vehicles: Array<{ id: string; plate: string; trailer_plate: string | null }> = await queryRunner.query(
            `SELECT id, plate, trailer_plate FROM "vehicles" ORDER BY created_at, id`);
        for (const v of vehicles) {
            const plate = normalisePlate(v.plate);
            if (plate && plate !== v.plate) {
                await queryRunner.query(
                    `UPDATE "vehicles" SET plate = $2 WHERE id = $1
                       AND NOT EXISTS (SELECT 1 FROM "vehicles" o WHERE o.firm_id = "vehicles".firm_id AND o.plate = $2)`,
                    [v.id, plate]);
            }
            const trailer = v.trailer_plate === null ? null : normalisePlate(v.trailer_plate);
            if (trailer && trailer !== v.trailer_plate) {
                await queryRunner.query(`UPDATE "vehicles" SET trailer_plate = $2 WHERE id = $1`, [v.id, trailer]);
            }
        }
    }

    public async down(): Promise<void> {
        // The old spellings are not kept; the folded plates remain valid plates under the old rules.
    }
}
