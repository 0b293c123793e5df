import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from '@kouan/audit';
import { isFirmUser, Principal, UserResponseDto, UsersService } from '@kouan/auth';
import type { CreateFirmUserDto } from '@kouan/auth';
import { DomainError, inTransaction, isUniqueViolation, normalisePlate, notFound, page } from '@kouan/common';
import type { PaginationQueryDto } from '@kouan/common';
import type {
  CreateDriverDto,
  CreateFirmDto,
  CreateVehicleDto,
  DriverDto,
  FirmDto,
  UpdateDriverDto,
  UpdateVehicleDto,
  VehicleDto,
} from './dto/firm.dto';
import { Driver } from './entities/driver.entity';
import { Firm } from './entities/firm.entity';
import { Vehicle } from './entities/vehicle.entity';

const vehicleDto = (v: Vehicle): VehicleDto => ({
  id: v.id,
  plate: v.plate,
  country: v.country,
  trailerPlate: v.trailerPlate,
  reefer: v.reefer,
  firmId: v.firmId,
});
const driverDto = (d: Driver): DriverDto => ({
  id: d.id,
  name: d.name,
  phone: d.phone,
  licenceNo: d.licenceNo,
  language: d.language,
  firmId: d.firmId,
});

/** The firm a firm user acts for. Only firm roles reach here (the route's @Roles). */
const firmOf = (p: Principal): string => p.firmId as string;

@Injectable()
export class FirmsService {
  constructor(
    @InjectRepository(Firm) private readonly firms: Repository<Firm>,
    @InjectRepository(Vehicle) private readonly vehicles: Repository<Vehicle>,
    @InjectRepository(Driver) private readonly drivers: Repository<Driver>,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  /** A port admin registers a firm; the audit trail records it with the firm as created. */
  async create(dto: CreateFirmDto): Promise<FirmDto> {
    return inTransaction(this.firms.manager.connection, async (em) => {
      const firm = await em.save(this.firms.create({ ...dto, contactEmail: dto.contactEmail.toLowerCase() }));
      const created = {
        id: firm.id,
        name: firm.name,
        country: firm.country,
        contactEmail: firm.contactEmail,
        createdAt: firm.createdAt.toISOString(),
      };
      await this.audit.record(em, { type: 'firm.created', portCode: null, data: { ...created } });
      return created;
    });
  }

  /** A firm admin adds users to their own firm only; any other firm is, for them, not there. */
  async addUser(principal: Principal, firmId: string, dto: CreateFirmUserDto): Promise<UserResponseDto> {
    if (isFirmUser(principal) && principal.firmId !== firmId) throw notFound('firm');
    if (!(await this.firms.existsBy({ id: firmId }))) throw notFound('firm');
    return this.users.create({ email: dto.email, password: dto.password, role: dto.role, firmId });
  }

  async addVehicle(principal: Principal, dto: CreateVehicleDto): Promise<VehicleDto> {
    const vehicle = this.vehicles.create({
      firmId: firmOf(principal),
      plate: normalisePlate(dto.plate) as string,
      country: dto.country,
      trailerPlate: dto.trailerPlate ? normalisePlate(dto.trailerPlate) : null,
      reefer: dto.reefer ?? false,
    });
    try {
      await this.vehicles.insert(vehicle);
    } catch (e) {
      if (isUniqueViolation(e, 'uq_vehicles_firm_plate')) {
        throw new DomainError('duplicate_plate', `the firm already has a vehicle with plate ${vehicle.plate}`);
      }
      throw e;
    }
    return vehicleDto(vehicle);
  }

  /** Plates are unique within a firm, so the plate order is stable from page to page. */
  async listVehicles(principal: Principal, q: PaginationQueryDto): Promise<VehicleDto[]> {
    const { limit, offset } = page(q);
    const list = await this.vehicles.find({
      where: { firmId: firmOf(principal) },
      order: { plate: 'ASC' },
      take: limit,
      skip: offset,
    });
    return list.map(vehicleDto);
  }

  /** Changes a vehicle of the caller's firm (another firm's is a 404); a plate the firm already has is 409. */
  async updateVehicle(principal: Principal, id: string, dto: UpdateVehicleDto): Promise<VehicleDto> {
    const vehicle = await this.vehicles.findOne({ where: { id, firmId: firmOf(principal) } });
    if (!vehicle) throw notFound('vehicle');
    if (dto.plate !== undefined) vehicle.plate = normalisePlate(dto.plate) as string;
    if (dto.country !== undefined) vehicle.country = dto.country;
    if (dto.trailerPlate !== undefined)
      vehicle.trailerPlate = dto.trailerPlate ? normalisePlate(dto.trailerPlate) : null;
    if (dto.reefer !== undefined) vehicle.reefer = dto.reefer;
    try {
      await this.vehicles.save(vehicle);
    } catch (e) {
      if (isUniqueViolation(e, 'uq_vehicles_firm_plate')) {
        throw new DomainError('duplicate_plate', `the firm already has a vehicle with plate ${vehicle.plate}`);
      }
      throw e;
    }
    return vehicleDto(vehicle);
  }

  /** Changes a driver of the caller's firm (another firm's is a 404). */
  async updateDriver(principal: Principal, id: string, dto: UpdateDriverDto): Promise<DriverDto> {
    const driver = await this.drivers.findOne({ where: { id, firmId: firmOf(principal) } });
    if (!driver) throw notFound('driver');
    return driverDto(await this.drivers.save(Object.assign(driver, dto)));
  }

  async addDriver(principal: Principal, dto: CreateDriverDto): Promise<DriverDto> {
    const driver = await this.drivers.save(this.drivers.create({ ...dto, firmId: firmOf(principal) }));
    return driverDto(driver);
  }

  async listDrivers(principal: Principal, q: PaginationQueryDto): Promise<DriverDto[]> {
    const { limit, offset } = page(q);
    const list = await this.drivers.find({
      where: { firmId: firmOf(principal) },
      order: { name: 'ASC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return list.map(driverDto);
  }
}
