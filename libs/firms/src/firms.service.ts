import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@kouan/audit';
import { AccountsService, FirmUserDto, isFirmUser, Principal, UserResponseDto, UsersService } from '@kouan/auth';
import type { CreateFirmUserDto } from '@kouan/auth';
import { Clock, DomainError, inTransaction, isUniqueViolation, normalisePlate, notFound, page } from '@kouan/common';
import type { PaginationQueryDto } from '@kouan/common';
import type {
  CreateDriverDto,
  CreateFirmDto,
  CreateVehicleDto,
  DriverDto,
  FirmDto,
  FirmListItemDto,
  UpdateDriverDto,
  UpdateVehicleDto,
  VehicleDto,
} from './dto/firm.dto';
import { FirmStandings } from './firm-standings';
import { DriverRow, FirmListRow, FirmsRepository, VehicleFields, VehicleRow } from './firms.repository';

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

const NO_STRIKES = { strikes30d: 0, noShows30d: 0 };

const listed = (f: FirmListRow, standing = NO_STRIKES): FirmListItemDto => ({
  id: f.id,
  name: f.name,
  country: f.country,
  contactEmail: f.contact_email,
  disabled: f.disabled_at !== null,
  createdAt: f.created_at.toISOString(),
  users: f.users,
  vehicles: f.vehicles,
  standing,
});

/** The firm a firm user acts for. Only firm roles reach here (the route's @Roles). */
const firmOf = (p: Principal): string => p.firmId as string;

@Injectable()
export class FirmsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: FirmsRepository,
    private readonly users: UsersService,
    private readonly accounts: AccountsService,
    private readonly standings: FirmStandings,
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

  /** Every firm for the port admins, by name, with its counts and strikes. */
  async list(q: PaginationQueryDto): Promise<FirmListItemDto[]> {
    const { limit, offset } = page(q);
    const firms = await this.repo.list(limit, offset);
    const standing = await this.standings.of(firms.map((f) => f.id));
    return firms.map((f) => listed(f, standing.get(f.id)));
  }

  /**
   * A port admin disables a firm (or enables it again). Disabling ends every session of its users in the same
   * transaction (their access tokens are refused once it commits), and signing in stays refused until it is enabled;
   * its bookings stay as they are, so drivers already booked still come.
   */
  async setDisabled(firmId: string, disabled: boolean): Promise<FirmListItemDto> {
    const at = this.clock.now();
    const ended = await inTransaction(this.ds, async (em) => {
      const firm = await this.repo.lock(em, firmId);
      if (!firm) throw notFound('firm');
      if ((firm.disabled_at !== null) === disabled) return [];
      await this.repo.setDisabled(em, firmId, disabled ? at : null);
      await this.audit.record(em, {
        type: disabled ? 'firm.disabled' : 'firm.enabled',
        portCode: null,
        at,
        data: { firmId, name: firm.name },
      });
      return disabled ? this.accounts.endFirmSessions(em, firmId) : [];
    });
    await this.accounts.announce(ended);
    const [after] = (await this.repo.list(1, 0, firmId)) as [FirmListRow];
    return listed(after, (await this.standings.of([firmId])).get(firmId));
  }

  /** A firm's users: a port admin any firm's, a firm admin its own (any other is, for it, not there). */
  async listUsers(principal: Principal, firmId: string): Promise<FirmUserDto[]> {
    if (isFirmUser(principal) && principal.firmId !== firmId) throw notFound('firm');
    if (!(await this.repo.firmExists(firmId))) throw notFound('firm');
    return this.accounts.firmUsers(firmId);
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
