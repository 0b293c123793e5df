import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@kouan/audit';
import { Clock, DomainError, inTransaction, notFound, pgError } from '@kouan/common';
import areaSeed from './data/holding-areas.json';
import type { CreateParkingAreaDto, ParkingAreaDto, ParkingDto, UpdateParkingAreaDto } from './dto/parking-area.dto';
import { distanceM } from './geo';
import { AreaFields, ParkingRepository } from './parking.repository';

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

const fieldsOf = (dto: UpdateParkingAreaDto): AreaFields => ({
  name: dto.name ?? null,
  lat: dto.lat ?? null,
  lon: dto.lon ?? null,
  radiusM: dto.radiusM ?? null,
  bays: dto.bays ?? null,
  reeferBays: dto.reeferBays ?? null,
  directions: dto.directions ?? null,
  names: dto.names ?? null,
});

@Injectable()
export class ParkingService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly repo: ParkingRepository,
    private readonly clock: Clock,
  ) {}

  async list(portCode: string): Promise<ParkingAreaDto[]> {
    const areas = await this.repo.list(portCode);
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
      names: a.names,
    }));
  }

  /** The port's areas (404 for a port that does not exist, where `list` answers none). */
  async listOfPort(portCode: string): Promise<ParkingAreaDto[]> {
    if (!(await this.repo.portExists(portCode))) throw notFound(`port ${portCode}`);
    return this.list(portCode);
  }

  async create(portCode: string, dto: CreateParkingAreaDto): Promise<ParkingAreaDto> {
    if (!(await this.repo.portExists(portCode))) throw notFound(`port ${portCode}`);
    const at = this.clock.now();
    const row = await this.write(portCode, (em) =>
      this.repo.insert(em, portCode, { ...fieldsOf(dto), directions: dto.directions ?? {} }, at),
    );
    return this.get(portCode, (row as { id: string }).id);
  }

  async update(portCode: string, id: string, dto: UpdateParkingAreaDto): Promise<ParkingAreaDto> {
    const row = await this.write(portCode, (em) => this.repo.update(em, portCode, id, fieldsOf(dto)));
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
          const area = await this.repo.row(em, row.id);
          await this.audit.record(em, { type: 'parking_area.saved', portCode, data: { area } });
        }
        return row;
      });
    } catch (e) {
      const pg = pgError(e);
      if (pg?.constraint === 'uq_parking_areas_port_name')
        throw new DomainError('conflict', 'the port already has an area of that name');
      if (pg?.constraint === 'chk_parking_areas_bays')
        throw new DomainError('invalid_holding_area', 'reeferBays cannot exceed bays');
      throw e;
    }
  }

  /** The port's holding area containing the point, nearest centre first, or null. */
  async areaAt(portCode: string, point: { lat: number; lon: number }): Promise<string | null> {
    const areas = await this.repo.all(portCode);
    const inside = areas
      .map((a) => ({ id: a.id, d: distanceM(point, a), r: a.radius_m }))
      .filter((a) => a.d <= a.r)
      .sort((a, b) => a.d - b.d);
    return inside[0]?.id ?? null;
  }

  /**
   * Idempotent: one holding area per road port from the project's data (of `ports` only, when a ports file other than
   * Yunnan's was seeded: the data has none for another country's ports), then left to the port admins.
   */
  async seed(ports?: string[]): Promise<number> {
    const all = (areaSeed as { areas: Array<Record<string, unknown>> }).areas;
    const areas = ports ? all.filter((a) => ports.includes(a.portCode as string)) : all;
    await this.repo.seed(areas, this.clock.now());
    return areas.length;
  }
}
