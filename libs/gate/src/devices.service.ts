import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { assertPortScope, Principal } from '@kouan/auth';
import {
  Clock,
  DomainError,
  inTransaction,
  isUniqueViolation,
  notFound,
  page,
  PaginationQueryDto,
} from '@kouan/common';
import { PortEvents } from '@kouan/ports';
import type { DeviceUpdate } from '@kouan/realtime';
import { hashDeviceKey, newDeviceKey } from './device-keys';
import { CreateDeviceDto, DeviceCreatedDto, DeviceDto, DeviceKeyDto } from './dto/device.dto';
import { DeviceRow, deviceUpdateOf, GateDevicesRepository } from './gate-devices.repository';

const invalid = (message: string) => new DomainError('invalid_device', message);

/**
 * A port's gate cameras (port admins register, remove and re-key them; staff see them). A key is shown once, when it
 * is made; only its hash is kept. Every change is a `device.changed` port event in its transaction (`device:update`).
 */
@Injectable()
export class DevicesService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly devices: GateDevicesRepository,
    private readonly events: PortEvents,
    private readonly clock: Clock,
  ) {}

  async create(port: string, dto: CreateDeviceDto): Promise<DeviceCreatedDto> {
    if (!(await this.devices.portExists(this.ds, port))) throw notFound(`port ${port}`);
    const laneId = dto.laneId ?? null;
    const areaId = dto.areaId ?? null;
    if ((dto.position === 'lane') !== (laneId !== null))
      throw invalid('a lane camera needs laneId (the lane it watches), and only a lane camera takes one');
    if ((dto.position === 'holding_entry') !== (areaId !== null))
      throw invalid('a holding_entry camera needs areaId (the holding area it watches), and only it takes one');
    if (laneId && !(await this.devices.laneOfPort(this.ds, port, laneId)))
      throw invalid(`lane ${laneId} is not a lane of ${port}`);
    if (areaId && !(await this.devices.areaOfPort(this.ds, port, areaId)))
      throw invalid(`holding area ${areaId} is not a holding area of ${port}`);
    const key = newDeviceKey();
    const at = this.clock.now();
    try {
      const d = await inTransaction(this.ds, async (em) => {
        const made = await this.devices.create(
          em,
          { port, name: dto.name, position: dto.position, laneId, areaId },
          hashDeviceKey(key),
          at,
        );
        await this.changed(em, made, 'created', at);
        return made;
      });
      return { id: d.id, name: d.name, position: d.position, laneId: d.lane_id, areaId: d.area_id, key };
    } catch (e) {
      if (isUniqueViolation(e, 'uq_gate_devices_port_name'))
        throw new DomainError('conflict', `${port} has a device named ${dto.name} already`);
      throw e;
    }
  }

  /** Staff of another port, like an unknown port, get a 404. */
  async list(p: Principal, port: string, q: PaginationQueryDto): Promise<DeviceDto[]> {
    assertPortScope(p, port);
    if (!(await this.devices.portExists(this.ds, port))) throw notFound(`port ${port}`);
    const { limit, offset } = page(q);
    const found = await this.devices.list(this.ds, port, this.clock.now(), limit, offset);
    return found.map((d) => ({
      id: d.id,
      name: d.name,
      position: d.position,
      laneId: d.lane_id,
      areaId: d.area_id,
      lastSeenAt: d.last_seen_at?.toISOString() ?? null,
      readsToday: d.reads_today,
      online: d.online,
      lastRead:
        d.last_read_id === null
          ? null
          : {
              id: d.last_read_id,
              plate: d.last_read_plate as string,
              outcome: d.last_read_outcome as string,
              at: (d.last_read_at as Date).toISOString(),
            },
    }));
  }

  /** Removes a device: its key is refused from now on (401); its reads stay for their 30 days. */
  async remove(port: string, id: string): Promise<void> {
    const at = this.clock.now();
    await inTransaction(this.ds, async (em) => {
      const d = await this.devices.remove(em, port, id, at);
      if (!d) throw notFound(`device ${id} of ${port}`);
      await this.changed(em, d, 'deleted', at);
    });
  }

  /** A new key, shown once; the old one is refused from now on (401). */
  async rotate(port: string, id: string): Promise<DeviceKeyDto> {
    const key = newDeviceKey();
    const at = this.clock.now();
    await inTransaction(this.ds, async (em) => {
      const d = await this.devices.rotate(em, port, id, hashDeviceKey(key), at);
      if (!d) throw notFound(`device ${id} of ${port}`);
      await this.changed(em, d, 'key_rotated', at);
    });
    return { key };
  }

  private changed(em: EntityManager, d: DeviceRow, change: DeviceUpdate['change'], at: Date): Promise<void> {
    return this.events.append(
      em,
      { type: 'device.changed', portCode: d.port_code, direction: null, data: deviceUpdateOf(d, change) },
      at,
    );
  }
}
