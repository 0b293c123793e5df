import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@kouan/audit';
import { isFirmUser, Principal, UserResponseDto, UsersService } from '@kouan/auth';
import type { CreateFirmUserDto } from '@kouan/auth';
import { Clock, DomainError, inTransaction, isUniqueViolation, normalisePlate, notFound, page } from '@kouan/common';
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
import { DriverRow, FirmsRepository, VehicleFields, VehicleRow } from './firms.repository';

const vehicleDto = (v: VehicleRow): VehicleDto => ({
  id: v.id,
  plate: v.plate,
  country: v.country,
  trailerPlate: v.trailer_plate,
  reefer: v.reefer,
  firmId: v.firm_id,
});
const driverDto = (d: DriverRow): DriverDto => ({
  id: d.id,
  name: d.name,
  phone: d.phone,
  licenceNo: d.licence_no,
  language: d.language,
  firmId: d.firm_id,
});

const duplicatePlate = (plate: string) =>
  new DomainError('duplicate_plate', `the firm already has a vehicle with plate ${plate}`);

/** The firm a firm user acts for. Only firm roles reach here (the route's @Roles). */
const firmOf = (p: Principal): string => p.firmId as string;

@Injectable()
export class FirmsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: FirmsRepository,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** A port admin registers a firm; the audit trail records it with the firm as created. */
  async create(dto: CreateFirmDto): Promise<FirmDto> {
    const at = this.clock.now();
    return inTransaction(this.ds, async (em) => {
      const firm = await this.repo.insertFirm(
        em,
        { name: dto.name, country: dto.country, contactEmail: dto.contactEmail.toLowerCase() },
        at,
      );
      const created = {
        id: firm.id,
        name: firm.name,
        country: firm.country,
        contactEmail: firm.contact_email,
        createdAt: firm.created_at.toISOString(),
      };
      await this.audit.record(em, { type: 'firm.created', portCode: null, data: { ...created } });
      return created;
    });
  }

  /** A firm admin adds users to their own firm only; any other firm is, for them, not there. */
  async addUser(principal: Principal, firmId: string, dto: CreateFirmUserDto): Promise<UserResponseDto> {
    if (isFirmUser(principal) && principal.firmId !== firmId) throw notFound('firm');
    if (!(await this.repo.firmExists(firmId))) throw notFound('firm');
    return this.users.create({ email: dto.email, password: dto.password, role: dto.role, firmId });
  }

  async addVehicle(principal: Principal, dto: CreateVehicleDto): Promise<VehicleDto> {
    const fields: VehicleFields = {
      plate: normalisePlate(dto.plate) as string,
      country: dto.country,
      trailerPlate: dto.trailerPlate ? normalisePlate(dto.trailerPlate) : null,
      reefer: dto.reefer ?? false,
    };
    try {
      return vehicleDto(await this.repo.insertVehicle(firmOf(principal), fields, this.clock.now()));
    } catch (e) {
      if (isUniqueViolation(e, 'uq_vehicles_firm_plate')) throw duplicatePlate(fields.plate);
      throw e;
    }
  }

  /** Plates are unique within a firm, so the plate order is stable from page to page. */
  async listVehicles(principal: Principal, q: PaginationQueryDto): Promise<VehicleDto[]> {
    const { limit, offset } = page(q);
    return (await this.repo.vehicles(firmOf(principal), limit, offset)).map(vehicleDto);
  }

  /** Changes a vehicle of the caller's firm (another firm's is a 404); a plate the firm already has is 409. */
  async updateVehicle(principal: Principal, id: string, dto: UpdateVehicleDto): Promise<VehicleDto> {
    const vehicle = await this.repo.vehicle(id, firmOf(principal));
    if (!vehicle) throw notFound('vehicle');
    const fields: VehicleFields = {
      plate: dto.plate !== undefined ? (normalisePlate(dto.plate) as string) : vehicle.plate,
      country: dto.country ?? vehicle.country,
      trailerPlate:
        dto.trailerPlate !== undefined
          ? dto.trailerPlate
            ? normalisePlate(dto.trailerPlate)
            : null
          : vehicle.trailer_plate,
      reefer: dto.reefer ?? vehicle.reefer,
    };
    try {
      const updated = await this.repo.updateVehicle(id, firmOf(principal), fields);
      if (!updated) throw notFound('vehicle');
      return vehicleDto(updated);
    } catch (e) {
      if (isUniqueViolation(e, 'uq_vehicles_firm_plate')) throw duplicatePlate(fields.plate);
      throw e;
    }
  }

  /** Changes a driver of the caller's firm (another firm's is a 404). */
  async updateDriver(principal: Principal, id: string, dto: UpdateDriverDto): Promise<DriverDto> {
    const driver = await this.repo.driver(id, firmOf(principal));
    if (!driver) throw notFound('driver');
    const updated = await this.repo.updateDriver(id, firmOf(principal), {
      name: dto.name ?? driver.name,
      phone: dto.phone ?? driver.phone,
      licenceNo: dto.licenceNo ?? driver.licence_no,
      language: dto.language ?? driver.language,
    });
    if (!updated) throw notFound('driver');
    return driverDto(updated);
  }

  async addDriver(principal: Principal, dto: CreateDriverDto): Promise<DriverDto> {
    const driver = await this.repo.insertDriver(
      firmOf(principal),
      { name: dto.name, phone: dto.phone, licenceNo: dto.licenceNo, language: dto.language },
      this.clock.now(),
    );
    return driverDto(driver);
  }

  async listDrivers(principal: Principal, q: PaginationQueryDto): Promise<DriverDto[]> {
    const { limit, offset } = page(q);
    return (await this.repo.drivers(firmOf(principal), limit, offset)).map(driverDto);
  }
}
