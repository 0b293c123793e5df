import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { assertPortScope, CurrentPrincipal, Principal, Roles } from '@kouan/auth';
import { ApiErrors, PortCodePipe } from '@kouan/common';
import { CreateParkingAreaDto, ParkingAreaDto, UpdateParkingAreaDto } from './dto/parking-area.dto';
import { ParkingService } from './parking.service';

@ApiTags('parking')
@ApiBearerAuth()
@Controller('ports/:code/parking-areas')
@Roles('port_admin')
export class ParkingController {
  constructor(private readonly parking: ParkingService) {}

  /** The admin page's list, and the lane console's (staff see their own port's only). */
  @Get()
  @Roles('port_admin', 'port_staff')
  @ApiOkResponse({ type: [ParkingAreaDto], description: 'by name, as POST and PUT return each' })
  @ApiErrors(400, 401, 403, { 404: 'the port (a port_staff sees only its own)' })
  async list(@CurrentPrincipal() p: Principal, @Param('code', PortCodePipe) code: string): Promise<ParkingAreaDto[]> {
    assertPortScope(p, code);
    return this.parking.listOfPort(code);
  }

  @Post()
  @ApiCreatedResponse({ type: ParkingAreaDto })
  @ApiErrors(400, 401, 403, 404, { 409: 'conflict (an area of that name)' }, 413, {
    422: 'invalid_holding_area (reeferBays over bays)',
  })
  create(@Param('code', PortCodePipe) code: string, @Body() dto: CreateParkingAreaDto): Promise<ParkingAreaDto> {
    return this.parking.create(code, dto);
  }

  @Put(':id')
  @ApiOkResponse({ type: ParkingAreaDto })
  @ApiErrors(400, 401, 403, 404, { 409: 'conflict (an area of that name)' }, 413, {
    422: 'invalid_holding_area (reeferBays over bays)',
  })
  update(
    @Param('code', PortCodePipe) code: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateParkingAreaDto,
  ): Promise<ParkingAreaDto> {
    return this.parking.update(code, id, dto);
  }
}
