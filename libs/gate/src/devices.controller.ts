import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@kouan/auth';
import { ApiErrors, PaginationQueryDto, PortCodePipe } from '@kouan/common';
import { DevicesService } from './devices.service';
import { CreateDeviceDto, DeviceCreatedDto, DeviceDto, DeviceKeyDto } from './dto/device.dto';

@ApiTags('gate')
@ApiBearerAuth()
@Controller('ports/:code/devices')
@Roles('port_admin')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Post()
  @ApiCreatedResponse({ type: DeviceCreatedDto, description: 'the key is shown only here' })
  @ApiErrors(400, 401, 403, 404, { 409: 'conflict (a device of that name)' }, 413, {
    422: 'invalid_device (laneId with a lane camera only, areaId with a holding_entry one only, of this port)',
  })
  create(@Param('code', PortCodePipe) code: string, @Body() dto: CreateDeviceDto): Promise<DeviceCreatedDto> {
    return this.devices.create(code, dto);
  }

  @Get()
  @Roles('port_admin', 'port_staff')
  @ApiOkResponse({ type: [DeviceDto], description: 'by name' })
  @ApiErrors(400, 401, 403, { 404: 'the port (a port_staff sees only its own)' })
  list(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Query() q: PaginationQueryDto,
  ): Promise<DeviceDto[]> {
    return this.devices.list(p, code, q);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'removed: its key is refused from now on' })
  @ApiErrors(400, 401, 403, 404)
  async remove(@Param('code', PortCodePipe) code: string, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.devices.remove(code, id);
  }

  @Post(':id/key')
  @HttpCode(200)
  @ApiOkResponse({ type: DeviceKeyDto, description: 'a new key, shown only here; the old one is refused from now on' })
  @ApiErrors(400, 401, 403, 404)
  rotate(@Param('code', PortCodePipe) code: string, @Param('id', ParseUUIDPipe) id: string): Promise<DeviceKeyDto> {
    return this.devices.rotate(code, id);
  }
}
