import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CreateFirmUserDto, CurrentPrincipal, FirmUserDto, Principal, Roles, UserResponseDto } from '@kouan/auth';
import { ApiErrors, PaginationQueryDto } from '@kouan/common';
import {
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
import { FirmsService } from './firms.service';

@ApiTags('firms')
@ApiBearerAuth()
@Controller()
export class FirmsController {
  constructor(private readonly firms: FirmsService) {}

  @Post('firms')
  @Roles('port_admin')
  @ApiCreatedResponse({ type: FirmDto })
  @ApiErrors(400, 401, 403, 413)
  create(@Body() dto: CreateFirmDto): Promise<FirmDto> {
    return this.firms.create(dto);
  }

  @Get('firms')
  @Roles('port_admin')
  @ApiOkResponse({ type: [FirmListItemDto], description: 'ordered by name' })
  @ApiErrors(400, 401, 403)
  list(@Query() q: PaginationQueryDto): Promise<FirmListItemDto[]> {
    return this.firms.list(q);
  }

  /** Its users can no longer sign in or book: their sessions end at once; its bookings stay. */
  @Post('firms/:id/disable')
  @Roles('port_admin')
  @HttpCode(200)
  @ApiOkResponse({ type: FirmListItemDto })
  @ApiErrors(400, 401, 403, 404)
  disable(@Param('id', ParseUUIDPipe) id: string): Promise<FirmListItemDto> {
    return this.firms.setDisabled(id, true);
  }

  @Post('firms/:id/enable')
  @Roles('port_admin')
  @HttpCode(200)
  @ApiOkResponse({ type: FirmListItemDto })
  @ApiErrors(400, 401, 403, 404)
  enable(@Param('id', ParseUUIDPipe) id: string): Promise<FirmListItemDto> {
    return this.firms.setDisabled(id, false);
  }

  @Get('firms/:id/users')
  @Roles('port_admin', 'firm_admin')
  @ApiOkResponse({ type: [FirmUserDto], description: 'ordered by email' })
  @ApiErrors(400, 401, 403, { 404: 'the firm (a firm admin sees only its own)' })
  users(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<FirmUserDto[]> {
    return this.firms.listUsers(p, id);
  }

  @Post('firms/:id/users')
  @Roles('port_admin', 'firm_admin')
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiErrors(400, 401, 403, { 404: 'the firm (a firm admin sees only its own)', 409: 'duplicate_email' }, 413)
  addUser(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateFirmUserDto,
  ): Promise<UserResponseDto> {
    return this.firms.addUser(p, id, dto);
  }

  @Post('vehicles')
  @Roles('firm_admin', 'dispatcher')
  @ApiCreatedResponse({ type: VehicleDto })
  @ApiErrors(400, 401, 403, { 409: 'duplicate_plate' }, 413)
  addVehicle(@CurrentPrincipal() p: Principal, @Body() dto: CreateVehicleDto): Promise<VehicleDto> {
    return this.firms.addVehicle(p, dto);
  }

  @Get('vehicles')
  @Roles('firm_admin', 'dispatcher')
  @ApiOkResponse({ type: [VehicleDto], description: 'ordered by plate' })
  @ApiErrors(400, 401, 403)
  vehicles(@CurrentPrincipal() p: Principal, @Query() q: PaginationQueryDto): Promise<VehicleDto[]> {
    return this.firms.listVehicles(p, q);
  }

  @Patch('vehicles/:id')
  @Roles('firm_admin', 'dispatcher')
  @ApiOkResponse({ type: VehicleDto })
  @ApiErrors(400, 401, 403, { 404: "not this firm's vehicle", 409: 'duplicate_plate' }, 413)
  updateVehicle(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateVehicleDto,
  ): Promise<VehicleDto> {
    return this.firms.updateVehicle(p, id, dto);
  }

  @Post('drivers')
  @Roles('firm_admin', 'dispatcher')
  @ApiCreatedResponse({ type: DriverDto })
  @ApiErrors(400, 401, 403, 413)
  addDriver(@CurrentPrincipal() p: Principal, @Body() dto: CreateDriverDto): Promise<DriverDto> {
    return this.firms.addDriver(p, dto);
  }

  @Patch('drivers/:id')
  @Roles('firm_admin', 'dispatcher')
  @ApiOkResponse({ type: DriverDto })
  @ApiErrors(400, 401, 403, { 404: "not this firm's driver" }, 413)
  updateDriver(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateDriverDto,
  ): Promise<DriverDto> {
    return this.firms.updateDriver(p, id, dto);
  }

  @Get('drivers')
  @Roles('firm_admin', 'dispatcher')
  @ApiOkResponse({ type: [DriverDto], description: 'ordered by name' })
  @ApiErrors(400, 401, 403)
  drivers(@CurrentPrincipal() p: Principal, @Query() q: PaginationQueryDto): Promise<DriverDto[]> {
    return this.firms.listDrivers(p, q);
  }
}
