import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { assertPortScope, CurrentPrincipal, Principal, Public, Roles } from '@kouan/auth';
import { StatusDto } from '@kouan/booking/dto/booking.dto';
import { PortCodePipe } from '@kouan/ports/port-code.pipe';
import type { QueueUpdate, StaffQueueUpdate } from '@kouan/realtime/live-events';
import { boardView, staffView } from '@kouan/realtime/queue-views';
import { CheckInService } from './check-in.service';
import { KpiDayDto, KpiQueryDto } from './dto/kpi.dto';
import { KpisService } from './kpis.service';
import { CalledTruckDto, CheckInResultDto, LaneStatusDto, PlateCheckInDto, QueueQueryDto } from './dto/queue.dto';
import { LanesService } from './lanes.service';
import { QueueReadService } from './queue-read.service';

@ApiTags('queue')
@Controller('ports/:code')
export class QueueController {
  constructor(
    private readonly checkIns: CheckInService,
    private readonly lanes: LanesService,
    private readonly reader: QueueReadService,
    private readonly kpis: KpisService,
  ) {}

  @Get('kpis')
  @Roles('port_admin', 'port_staff')
  @ApiBearerAuth()
  @ApiOkResponse({ type: [KpiDayDto] })
  kpiReport(@CurrentPrincipal() p: Principal, @Param('code', PortCodePipe) code: string, @Query() q: KpiQueryDto): Promise<KpiDayDto[]> {
    return this.kpis.report(p, code, q);
  }

  @Post('check-ins')
  @Roles('port_staff', 'port_admin')
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: CheckInResultDto })
  checkIn(@CurrentPrincipal() p: Principal, @Param('code', PortCodePipe) code: string, @Body() dto: PlateCheckInDto): Promise<CheckInResultDto> {
    return this.checkIns.byPlate(p, code, dto.plate);
  }

  /** The public board: positions and masked plates, never names or phones. */
  @Get('queue')
  @Public()
  @ApiOkResponse({ description: '{lanes, called, entries, version}' })
  async queue(@Param('code', PortCodePipe) code: string, @Query() q: QueueQueryDto): Promise<QueueUpdate> {
    return boardView(await this.reader.snapshotOfPort(code, q.direction));
  }

  /**
   * The staff view of a queue (whole plates, references, booking ids): what the staff room's last
   * queue:update carried. The lane console needs it when it opens or reconnects; the room only carries changes.
   */
  @Get('queue/staff')
  @Roles('port_staff', 'port_admin')
  @ApiBearerAuth()
  @ApiOkResponse({ description: '{port, direction, version, lanes, called: [{..., bookingId, reference, plate}], entries: [{..., bookingId, reference, plate}]}' })
  async staffQueue(@CurrentPrincipal() p: Principal, @Param('code', PortCodePipe) code: string, @Query() q: QueueQueryDto): Promise<StaffQueueUpdate> {
    assertPortScope(p, code);
    return staffView(await this.reader.snapshotOfPort(code, q.direction));
  }

  @Post('lanes/:laneId/status')
  @Roles('port_staff', 'port_admin')
  @ApiBearerAuth()
  @HttpCode(200)
  laneStatus(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Param('laneId', ParseUUIDPipe) laneId: string,
    @Body() dto: LaneStatusDto,
  ) {
    return this.lanes.setStatus(p, code, laneId, dto.status);
  }

  @Post('lanes/:laneId/call-next')
  @Roles('port_staff', 'port_admin')
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOkResponse({ type: CalledTruckDto })
  callNext(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Param('laneId', ParseUUIDPipe) laneId: string,
  ): Promise<CalledTruckDto> {
    return this.lanes.callNext(p, code, laneId);
  }
}

/** Queue outcomes for a called truck, by port staff. */
@ApiTags('queue')
@ApiBearerAuth()
@Controller('bookings/:id')
@Roles('port_staff', 'port_admin')
export class OutcomeController {
  constructor(private readonly lanes: LanesService) {}

  @Post('complete')
  @HttpCode(200)
  @ApiOkResponse({ type: StatusDto })
  complete(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.lanes.outcome(p, id, 'complete');
  }

  @Post('skip')
  @HttpCode(200)
  @ApiOkResponse({ type: StatusDto })
  skip(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.lanes.outcome(p, id, 'skip');
  }

  @Post('no-show')
  @HttpCode(200)
  @ApiOkResponse({ type: StatusDto })
  noShow(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.lanes.outcome(p, id, 'no-show');
  }
}
