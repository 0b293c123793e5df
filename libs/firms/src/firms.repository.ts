import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { one, rows } from '@kouan/common';
import type { Language } from './entities/driver.entity';

export interface FirmRow {
  id: string;
  name: string;
  country: string;
  contact_email: string;
  created_at: Date;
}

/** A firm as a port admin lists it, with how many users and vehicles it has. */
export interface FirmListRow extends FirmRow {
  disabled_at: Date | null;
  users: number;
  vehicles: number;
}

export interface VehicleRow {
  id: string;
  firm_id: string;
  plate: string;
  country: string;
  trailer_plate: string | null;
  reefer: boolean;
}

export interface DriverRow {
  id: string;
  firm_id: string;
  name: string;
  phone: string;
  licence_no: string;
  language: Language;
}

/** A vehicle's fields as written (the plates already normalised). */
export interface VehicleFields {
  plate: string;
  country: string;
  trailerPlate: string | null;
  reefer: boolean;
}

export interface DriverFields {
  name: string;
  phone: string;
  licenceNo: string;
  language: Language;
}

const VEHICLE = 'id, firm_id, plate, country, trailer_plate, reefer';
const DRIVER = 'id, firm_id, name, phone, licence_no, language';

/** The statements on `firms`, `vehicles` and `drivers` (this lib's tables). */
@Injectable()
export class FirmsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insertFirm(
    em: EntityManager,
    f: { name: string; country: string; contactEmail: string },
    at: Date,
  ): Promise<FirmRow> {
    const row = await one<FirmRow>(
      em,
      `INSERT INTO firms (name, country, contact_email, created_at) VALUES ($1, $2, $3, $4)
       RETURNING id, name, country, contact_email, created_at`,
      [f.name, f.country, f.contactEmail, at],
    );
    return row as FirmRow;
  }

  /**
   * Every firm by name (or only `id`), with counts of its users and vehicles (users is auth's table: read here,
   * never written).
   */
  list(limit: number, offset: number, id: string | null = null): Promise<FirmListRow[]> {
    return rows<FirmListRow>(
      this.ds,
      `SELECT f.id, f.name, f.country, f.contact_email, f.created_at, f.disabled_at,
              (SELECT count(*)::int FROM users u WHERE u.firm_id = f.id) AS users,
              (SELECT count(*)::int FROM vehicles v WHERE v.firm_id = f.id) AS vehicles
       FROM firms f WHERE $3::uuid IS NULL OR f.id = $3 ORDER BY f.name ASC, f.id ASC LIMIT $1 OFFSET $2`,
      [limit, offset, id],
    );
  }

  /** The firm, locked for the caller's transaction (a disable and an enable do not interleave). */
  lock(em: EntityManager, id: string): Promise<(FirmRow & { disabled_at: Date | null }) | undefined> {
    return one(
      em,
      'SELECT id, name, country, contact_email, created_at, disabled_at FROM firms WHERE id = $1 FOR UPDATE',
      [id],
    );
  }

  async setDisabled(em: EntityManager, id: string, at: Date | null): Promise<void> {
    await em.query('UPDATE firms SET disabled_at = $2 WHERE id = $1', [id, at]);
  }

  async firmExists(id: string): Promise<boolean> {
    return Boolean(await one(this.ds, 'SELECT 1 FROM firms WHERE id = $1', [id]));
  }

  /** The unique index uq_vehicles_firm_plate refuses a plate the firm already has. */
  async insertVehicle(firmId: string, v: VehicleFields, at: Date): Promise<VehicleRow> {
    const row = await one<VehicleRow>(
      this.ds,
      `INSERT INTO vehicles (firm_id, plate, country, trailer_plate, reefer, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING ${VEHICLE}`,
      [firmId, v.plate, v.country, v.trailerPlate, v.reefer, at],
    );
    return row as VehicleRow;
  }

  /** The firm's vehicles by plate (unique within a firm, so the order is stable from page to page). */
  vehicles(firmId: string, limit: number, offset: number): Promise<VehicleRow[]> {
    return rows<VehicleRow>(
      this.ds,
      `SELECT ${VEHICLE} FROM vehicles WHERE firm_id = $1 ORDER BY plate ASC LIMIT $2 OFFSET $3`,
      [firmId, limit, offset],
    );
  }

  vehicle(id: string, firmId: string): Promise<VehicleRow | undefined> {
    return one<VehicleRow>(this.ds, `SELECT ${VEHICLE} FROM vehicles WHERE id = $1 AND firm_id = $2`, [id, firmId]);
  }

  /** Writes the vehicle's fields (undefined: not the firm's vehicle). */
  updateVehicle(id: string, firmId: string, v: VehicleFields): Promise<VehicleRow | undefined> {
    return one<VehicleRow>(
      this.ds,
      `UPDATE vehicles SET plate = $3, country = $4, trailer_plate = $5, reefer = $6 WHERE id = $1 AND firm_id = $2
       RETURNING ${VEHICLE}`,
      [id, firmId, v.plate, v.country, v.trailerPlate, v.reefer],
    );
  }

  async insertDriver(firmId: string, d: DriverFields, at: Date): Promise<DriverRow> {
    const row = await one<DriverRow>(
      this.ds,
      `INSERT INTO drivers (firm_id, name, phone, licence_no, language, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING ${DRIVER}`,
      [firmId, d.name, d.phone, d.licenceNo, d.language, at],
    );
    return row as DriverRow;
  }

  drivers(firmId: string, limit: number, offset: number): Promise<DriverRow[]> {
    return rows<DriverRow>(
      this.ds,
      `SELECT ${DRIVER} FROM drivers WHERE firm_id = $1 ORDER BY name ASC, id ASC LIMIT $2 OFFSET $3`,
      [firmId, limit, offset],
    );
  }

  driver(id: string, firmId: string): Promise<DriverRow | undefined> {
    return one<DriverRow>(this.ds, `SELECT ${DRIVER} FROM drivers WHERE id = $1 AND firm_id = $2`, [id, firmId]);
  }

  /** Writes the driver's fields (undefined: not the firm's driver). */
  updateDriver(id: string, firmId: string, d: DriverFields): Promise<DriverRow | undefined> {
    return one<DriverRow>(
      this.ds,
      `UPDATE drivers SET name = $3, phone = $4, licence_no = $5, language = $6 WHERE id = $1 AND firm_id = $2
       RETURNING ${DRIVER}`,
      [id, firmId, d.name, d.phone, d.licenceNo, d.language],
    );
  }
}
