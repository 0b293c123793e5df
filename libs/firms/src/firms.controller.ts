import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CreateFirmUserDto, CurrentPrincipal, Principal, Roles, UserResponseDto } from '@kouan/auth';
import { CreateDriverDto, CreateFirmDto, CreateVehicleDto, DriverDto, FirmDto, VehicleDto } from './dto/firm.dto';
import { FirmsService } from './firms.service';

@ApiTags('firms')
@ApiBearerAuth()
@Controller()
export class FirmsController {
  constructor(private readonly firms: FirmsService) {}

  @Post('firms')
  @Roles('port_admin')
  @ApiCreatedResponse({ type: FirmDto })
  create(@Body() dto: CreateFirmDto): Promise<FirmDto> {
    return this.firms.create(dto);
  }

  @Post('firms/:id/users')
  @Roles('port_admin', 'firm_admin')
  @ApiCreatedResponse({ type: UserResponseDto })
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
  addVehicle(@CurrentPrincipal() p: Principal, @Body() dto: CreateVehicleDto): Promise<VehicleDto> {
    return this.firms.addVehicle(p, dto);
  }

  @Get('vehicles')
  @Roles('firm_admin', 'dispatcher')
  @ApiOkResponse({ type: [VehicleDto] })
  vehicles(@CurrentPrincipal() p: Principal): Promise<VehicleDto[]> {
    return this.firms.listVehicles(p);
  }

  @Post('drivers')
  @Roles('firm_admin', 'dispatcher')
  @ApiCreatedResponse({ type: DriverDto })
  addDriver(@CurrentPrincipal() p: Principal, @Body() dto: CreateDriverDto): Promise<DriverDto> {
    return this.firms.addDriver(p, dto);
  }

  @Get('drivers')
  @Roles('firm_admin', 'dispatcher')
  @ApiOkResponse({ type: [DriverDto] })
  drivers(@CurrentPrincipal() p: Principal): Promise<DriverDto[]> {
    return this.firms.listDrivers(p);
  }
}
