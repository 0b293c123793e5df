import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { assertPortScope, CurrentPrincipal, Principal, Public, Roles } from '@kouan/auth';
import { ApiErrors, PortCodePipe } from '@kouan/common';
import { AddLaneDto, LaneDto, LanesAdminService, NamedLaneDto, RenameLaneDto } from '@kouan/ports';
import type { QueueUpdate, StaffQueueUpdate } from '@kouan/realtime';
import { boardView, staffView } from '@kouan/realtime';
import { CheckInService } from './check-in.service';
import { KpiDayDto, KpiQueryDto } from './dto/kpi.dto';
import { KpisService } from './kpis.service';
import {
  CalledTruckDto,
  CallNextDto,
  CheckInConflictDto,
  CheckInResultDto,
  GateCheckInDto,
  LaneStatusDto,
  QueueQueryDto,
  QueueViewDto,
  StaffQueueViewDto,
} from './dto/queue.dto';
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
    private readonly lanesAdmin: LanesAdminService,
  ) {}

  @Get('kpis')
  @Roles('port_admin', 'port_staff', 'regulator')
  @ApiBearerAuth()
  @ApiOkResponse({ type: [KpiDayDto] })
  @ApiErrors(
    { 400: 'also bad_request when to is before from or more than 92 days after it' },
    401,
    { 403: 'firm roles and drivers' },
    { 404: 'the port (a port_staff sees only its own)' },
  )
  kpiReport(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Query() q: KpiQueryDto,
  ): Promise<KpiDayDto[]> {
    return this.kpis.report(p, code, q);
  }

  @Post('check-ins')
  @Roles('port_staff', 'port_admin')
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: CheckInResultDto })
  @ApiErrors(
    400,
    401,
    403,
    {
      404: "no active booking for that plate at this port today (with bookingId: not that booking, or not that plate), no active booking with that reference at this port, or the port is not the staff's",
    },
    {
      409: {
        codes:
          'ambiguous_plate (the plate is on bookings of several firms: candidates), already_checked_in, illegal_transition',
        type: CheckInConflictDto,
      },
    },
    413,
    { 422: 'too_early, too_late' },
  )
  checkIn(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Body() dto: GateCheckInDto,
  ): Promise<CheckInResultDto> {
    return this.checkIns.atGate(p, code, dto);
  }

  /** The public board: positions and masked plates, never names or phones; may be seconds behind (a replica). */
  @Get('queue')
  @Public()
  @ApiOkResponse({ type: QueueViewDto })
  @ApiErrors(400, 404, { 429: 'too_many_requests: too many requests from this address' })
  async queue(@Param('code', PortCodePipe) code: string, @Query() q: QueueQueryDto): Promise<QueueUpdate> {
    return boardView(await this.reader.boardOfPort(code, q.direction));
  }

  /**
   * The staff view of a queue (whole plates, references, booking ids): what the staff room's last
   * queue:update carried. The lane console needs it when it opens or reconnects; the room only carries changes.
   */
  @Get('queue/staff')
  @Roles('port_staff', 'port_admin')
  @ApiBearerAuth()
  @ApiOkResponse({ type: StaffQueueViewDto })
  @ApiErrors(400, 401, 403, 404)
  async staffQueue(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Query() q: QueueQueryDto,
  ): Promise<StaffQueueUpdate> {
    assertPortScope(p, code);
    return staffView(await this.reader.snapshotOfPort(code, q.direction));
  }

  /** The ports lib's (it owns lanes); declared here, where every route under a port's lanes is. */
  @Post('lanes')
  @Roles('port_admin')
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: NamedLaneDto, description: 'the lane as GET /ports/:code lists it, closed' })
  @ApiErrors(400, 401, 403, 404, { 409: 'conflict (a lane of that name at the port)' }, 413)
  addLane(@Param('code', PortCodePipe) code: string, @Body() dto: AddLaneDto): Promise<NamedLaneDto> {
    return this.lanesAdmin.add(code, dto);
  }

  @Patch('lanes/:laneId')
  @Roles('port_admin')
  @ApiBearerAuth()
  @ApiOkResponse({ type: NamedLaneDto })
  @ApiErrors(
    400,
    401,
    403,
    { 404: 'the port, or a lane of it' },
    { 409: 'conflict (a lane of that name at the port)' },
    413,
  )
  renameLane(
    @Param('code', PortCodePipe) code: string,
    @Param('laneId', ParseUUIDPipe) laneId: string,
    @Body() dto: RenameLaneDto,
  ): Promise<NamedLaneDto> {
    return this.lanesAdmin.rename(code, laneId, dto);
  }

  @Post('lanes/:laneId/status')
  @Roles('port_staff', 'port_admin')
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOkResponse({ type: LaneDto })
  @ApiErrors(400, 401, 403, { 404: 'lane of this port' }, 413)
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
  @ApiErrors(
    400,
    401,
    403,
    { 404: 'lane of this port, or queue_empty' },
    {
      409: 'lane_not_open, conflict (the head changed; call again), counterpart_closed (an export lane while the far side is closed), port_incident (a closure incident is open); the last two unless {force: true}',
    },
    413,
    415,
  )
  callNext(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Param('laneId', ParseUUIDPipe) laneId: string,
    @Body() dto: CallNextDto,
  ): Promise<CalledTruckDto> {
    return this.lanes.callNext(p, code, laneId, dto.force === true);
  }
}
