import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@kouan/audit';
import { DomainError, inTransaction, notFound, one, pgError, rows } from '@kouan/common';
import areaSeed from './data/holding-areas.json';
import type { CreateParkingAreaDto, ParkingAreaDto, ParkingDto, UpdateParkingAreaDto } from './dto/parking-area.dto';
import { distanceM } from './geo';

interface AreaRow {
  id: string;
  name: string;
  lat: number;
  lon: number;
  radius_m: number;
  bays: number;
  reefer_bays: number;
  directions: Record<string, string>;
}

export interface BayAssignment {
  areaId: string | null;
  /** The holding area's name, for the driver's instructions. */
  areaName: string | null;
  /** The area's name by language (empty when it has none). */
  areaNames: Record<string, string>;
  bay: number | null;
  overflow: boolean;
}

/** What a waiting truck's parking looks like to its driver; built from the booking's columns. */
export interface ParkingFacts {
  areaId: string | null;
  areaName: string | null;
  bay: number | null;
  reeferBays: number | null;
  lat: number | null;
  lon: number | null;
  directions: Record<string, string> | null;
  overflow: boolean;
  language: string;
}

const OVERFLOW_TEXT: Record<string, string> = {
  zh: '等候区已满：请在口岸指定的路边等候点停车，您的排队位置保持不变。',
  en: 'The holding areas are full: wait at the roadside overflow point signposted by the port. You keep your place in the queue.',
  lo: 'ບ່ອນລໍຖ້າເຕັມແລ້ວ: ກະລຸນາລໍຖ້າຢູ່ຈຸດລໍຖ້າຂ້າງທາງ. ທ່ານຍັງຮັກສາລຳດັບຂອງທ່ານ.',
  vi: 'Khu chờ đã đầy: vui lòng chờ tại điểm chờ ven đường theo biển báo. Bạn vẫn giữ vị trí trong hàng.',
  my: 'စောင့်ဆိုင်းရာနေရာ ပြည့်နေပါသည်- လမ်းဘေးစောင့်ရန်နေရာတွင် စောင့်ပါ။ တန်းစီနေရာ မပြောင်းပါ။',
  th: 'ลานพักรถเต็มแล้ว: กรุณารอที่จุดพักริมทางตามป้าย คุณยังคงลำดับคิวเดิม',
};

const pick = (texts: Record<string, string> | null, language: string) =>
  texts?.[language] ?? texts?.en ?? texts?.zh ?? '';

export function toParkingDto(f: ParkingFacts): ParkingDto {
  if (f.overflow || !f.areaId) {
    return {
      areaId: null,
      areaName: null,
      bay: null,
      powered: false,
      lat: null,
      lon: null,
      overflow: true,
      instructions: pick(OVERFLOW_TEXT, f.language),
    };
  }
  return {
    areaId: f.areaId,
    areaName: f.areaName,
    bay: f.bay,
    powered: f.bay !== null && f.reeferBays !== null && f.bay <= f.reeferBays,
    lat: f.lat,
    lon: f.lon,
    overflow: false,
    instructions: pick(f.directions, f.language),
  };
}

@Injectable()
export class ParkingService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(portCode: string): Promise<ParkingAreaDto[]> {
    const areas = await rows<AreaRow & { occupied: number }>(
      this.ds,
      `SELECT pa.*, (SELECT count(*)::int FROM bookings b WHERE b.parking_area_id = pa.id AND b.bay IS NOT NULL) AS occupied
       FROM parking_areas pa WHERE pa.port_code = $1 ORDER BY pa.name`,
      [portCode],
    );
    return areas.map((a) => ({
      id: a.id,
      name: a.name,
      lat: a.lat,
      lon: a.lon,
      radiusM: a.radius_m,
      bays: a.bays,
      reeferBays: a.reefer_bays,
      occupied: a.occupied,
      directions: a.directions,
    }));
  }

  async create(portCode: string, dto: CreateParkingAreaDto): Promise<ParkingAreaDto> {
    if (!(await one(this.ds, 'SELECT 1 FROM ports WHERE code = $1', [portCode]))) throw notFound(`port ${portCode}`);
    const row = await this.write(portCode, (em) =>
      one<{ id: string }>(
        em,
        `INSERT INTO parking_areas (port_code, name, lat, lon, radius_m, bays, reefer_bays, directions)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [portCode, dto.name, dto.lat, dto.lon, dto.radiusM, dto.bays, dto.reeferBays, dto.directions ?? {}],
      ),
    );
    return this.get(portCode, (row as { id: string }).id);
  }

  async update(portCode: string, id: string, dto: UpdateParkingAreaDto): Promise<ParkingAreaDto> {
    const row = await this.write(portCode, (em) =>
      one<{ id: string }>(
        em,
        `UPDATE parking_areas SET name = COALESCE($3, name), lat = COALESCE($4, lat), lon = COALESCE($5, lon),
           radius_m = COALESCE($6, radius_m), bays = COALESCE($7, bays), reefer_bays = COALESCE($8, reefer_bays),
           directions = COALESCE($9, directions)
         WHERE id = $1 AND port_code = $2 RETURNING id`,
        [
          id,
          portCode,
          dto.name ?? null,
          dto.lat ?? null,
          dto.lon ?? null,
          dto.radiusM ?? null,
          dto.bays ?? null,
          dto.reeferBays ?? null,
          dto.directions ?? null,
        ],
      ),
    );
    if (!row) throw notFound('parking area');
    return this.get(portCode, id);
  }

  private async get(portCode: string, id: string): Promise<ParkingAreaDto> {
    const area = (await this.list(portCode)).find((a) => a.id === id);
    if (!area) throw notFound('parking area');
    return area;
  }

  /**
   * A change to a holding area, recorded in the audit trail with the area as it then is. Constraint violations
   * are the caller's mistake: a taken name or more powered bays than bays.
   */
  private async write(
    portCode: string,
    work: (em: EntityManager) => Promise<{ id: string } | undefined>,
  ): Promise<{ id: string } | undefined> {
    try {
      return await inTransaction(this.ds, async (em) => {
        const row = await work(em);
        if (row) {
          const area = await one(em, 'SELECT * FROM parking_areas WHERE id = $1', [row.id]);
          await this.audit.record(em, { type: 'parking_area.saved', portCode, data: { area } });
        }
        return row;
      });
    } catch (e) {
      const pg = pgError(e);
      if (pg?.constraint === 'uq_parking_areas_port_name')
        throw new DomainError('conflict', 'the port already has an area of that name');
      if (pg?.constraint === 'chk_parking_areas_bays')
        throw new DomainError('invalid_schedule', 'reeferBays cannot exceed bays');
      throw e;
    }
  }

  /** The port's holding area containing the point, nearest centre first, or null. */
  async areaAt(portCode: string, point: { lat: number; lon: number }): Promise<string | null> {
    const areas = await rows<AreaRow>(this.ds, 'SELECT * FROM parking_areas WHERE port_code = $1', [portCode]);
    const inside = areas
      .map((a) => ({ id: a.id, d: distanceM(point, a), r: a.radius_m }))
      .filter((a) => a.d <= a.r)
      .sort((a, b) => a.d - b.d);
    return inside[0]?.id ?? null;
  }

  /**
   * Gives a waiting truck a bay. The port's areas are locked FOR UPDATE, so two check-ins never pick the
   * same free bay (the unique index on (parking_area_id, bay) would refuse it anyway). A reefer with
   * perishable cargo takes a powered bay first; other trucks leave powered bays for reefers while they can.
   * No free bay anywhere → overflow: still queued, told where to wait.
   */
  async assignBay(
    em: EntityManager,
    portCode: string,
    needsPower: boolean,
    preferAreaId: string | null,
  ): Promise<BayAssignment> {
    await em.query('SELECT id FROM parking_areas WHERE port_code = $1 ORDER BY id FOR UPDATE', [portCode]);
    // The first free bay in this order: the wanted kind of bay (powered or plain) in any area before the other
    // kind; the preferred area (where the phone is), then by name; the lowest bay number.
    const free = await one<{ area_id: string; area_name: string; area_names: Record<string, string>; bay: number }>(
      em,
      `SELECT pa.id AS area_id, pa.name AS area_name, pa.names AS area_names, n AS bay
       FROM parking_areas pa CROSS JOIN LATERAL generate_series(1, pa.bays) AS n
       WHERE pa.port_code = $1
         AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.parking_area_id = pa.id AND b.bay = n)
       ORDER BY (n <= pa.reefer_bays) <> $2, pa.id IS DISTINCT FROM $3::uuid, pa.name, n
       LIMIT 1`,
      [portCode, needsPower, preferAreaId],
    );
    return free
      ? { areaId: free.area_id, areaName: free.area_name, areaNames: free.area_names, bay: free.bay, overflow: false }
      : { areaId: null, areaName: null, areaNames: {}, bay: null, overflow: true };
  }

  /** Idempotent: one holding area per road port from the project's data, then left to the port admins. */
  async seed(): Promise<number> {
    const { areas } = areaSeed as { areas: Array<Record<string, unknown>> };
    await this.ds.query(
      `INSERT INTO parking_areas AS pa (port_code, name, lat, lon, radius_m, bays, reefer_bays, directions, names)
       SELECT a."portCode", a.name, a.lat, a.lon, a."radiusM", a.bays, a."reeferBays", a.directions, COALESCE(a.names, '{}')
       FROM jsonb_to_recordset($1::jsonb) AS a("portCode" varchar, name varchar, lat float8, lon float8, "radiusM" int,
         bays int, "reeferBays" int, directions jsonb, names jsonb)
       WHERE EXISTS (SELECT 1 FROM ports p WHERE p.code = a."portCode")
       -- An area seeded before it had names gets them; anything the port admins set is left alone.
       ON CONFLICT (port_code, name) DO UPDATE SET names = EXCLUDED.names WHERE pa.names = '{}'::jsonb`,
      [JSON.stringify(areas)],
    );
    return areas.length;
  }
}
