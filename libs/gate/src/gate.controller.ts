import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { DeviceRoute } from '@kouan/auth';
import { ApiErrors } from '@kouan/common';
import { CurrentDevice, DeviceGuard } from './device.guard';
import { GateReadAnswerDto, GateReadBodyDto } from './dto/gate-read.dto';
import type { PeekedDevice } from './gate-devices.repository';
import { GateReadsService } from './gate-reads.service';

/** What gate cameras call, with their device key (`Authorization: Device <key>`), never a user's token. */
@ApiTags('gate')
@ApiSecurity('device')
@Controller('gate')
@DeviceRoute()
@UseGuards(DeviceGuard)
export class GateController {
  constructor(private readonly reads: GateReadsService) {}

  @Post('reads')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: GateReadAnswerDto, description: 'stored, with what it did' })
  @ApiErrors(
    400,
    { 401: 'missing, unknown, replaced or revoked device key' },
    413,
    { 422: "read_in_future (at more than 5 minutes ahead of the server's clock)" },
    429,
  )
  read(@CurrentDevice() device: PeekedDevice, @Body() body: GateReadBodyDto): Promise<GateReadAnswerDto> {
    return this.reads.take(device, body);
  }

  @Post('heartbeat')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the device is alive (online, last seen now)' })
  @ApiErrors({ 401: 'missing, unknown, replaced or revoked device key' }, 429)
  async heartbeat(@CurrentDevice() device: PeekedDevice): Promise<void> {
    await this.reads.heartbeat(device);
  }
}
