import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  CreatePortStaffDto,
  CurrentPrincipal,
  Principal,
  Public,
  Roles,
  UserResponseDto,
  UsersService,
} from '@kouan/auth';
import { ApiErrors, PaginationQueryDto, PortCodePipe } from '@kouan/common';
import { FeesDto, FeesPreviewDto, PutFeesDto } from './dto/fees.dto';
import { FeesPreviewService } from './fees-preview.service';
import { PortDetailDto, PortSummaryDto, SlotDto, SlotsQueryDto } from './dto/port.dto';
import { FeesService } from './fees.service';
import { PutScheduleDto, SchedulePreviewDto, ScheduleResponseDto } from './dto/schedule.dto';
import { SchedulePreviewService } from './schedule-preview.service';
import { PortsService } from './ports.service';
import { SlotsService } from './slots.service';

@ApiTags('ports')
@Controller('ports')
export class PortsController {
  constructor(
    private readonly ports: PortsService,
    private readonly slots: SlotsService,
    private readonly users: UsersService,
    private readonly fees: FeesService,
    private readonly schedulePreview: SchedulePreviewService,
    private readonly feesPreview: FeesPreviewService,
  ) {}

  @Get()
  @Public()
  @ApiOkResponse({ type: [PortSummaryDto], description: 'ordered by code' })
  @ApiErrors(400, { 429: 'too_many_requests: too many requests from this address' })
  list(@Query() q: PaginationQueryDto): Promise<PortSummaryDto[]> {
    return this.ports.list(q);
  }

  @Get(':code/fees')
  @Public()
  @ApiOkResponse({ type: FeesDto, description: 'the version in force today at the port' })
  @ApiErrors(
    400,
    { 404: 'the port, or no fees published yet' },
    { 429: 'too_many_requests: too many requests from this address' },
  )
  currentFees(@Param('code', PortCodePipe) code: string): Promise<FeesDto> {
    return this.fees.current(code);
  }

  @Get(':code/fees/history')
  @Public()
  @ApiOkResponse({ type: [FeesDto], description: 'every version, newest first (also those still to take effect)' })
  @ApiErrors(400, 404, { 429: 'too_many_requests: too many requests from this address' })
  feeHistory(@Param('code', PortCodePipe) code: string): Promise<FeesDto[]> {
    return this.fees.history(code);
  }

  @Put(':code/fees')
  @Roles('port_admin')
  @ApiBearerAuth()
  @HttpCode(201)
  @ApiCreatedResponse({ type: FeesDto, description: 'a new version, effective from its effectiveFrom' })
  @ApiErrors(400, 401, 403, 404, 413, { 422: 'date_out_of_range: effectiveFrom before today at the port' })
  publishFees(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Body() dto: PutFeesDto,
  ): Promise<FeesDto> {
    return this.fees.publish(p, code, dto);
  }

  @Post(':code/fees/preview')
  @Roles('port_admin')
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOkResponse({ type: FeesPreviewDto, description: 'what PUT would publish, on example trucks; nothing is written' })
  @ApiErrors(400, 401, 403, 404, 413, { 422: 'date_out_of_range: effectiveFrom before today at the port' })
  previewFees(@Param('code', PortCodePipe) code: string, @Body() dto: PutFeesDto): Promise<FeesPreviewDto> {
    return this.feesPreview.preview(code, dto);
  }

  @Get(':code')
  @Public()
  @ApiOkResponse({ type: PortDetailDto })
  @ApiErrors(400, 404, { 429: 'too_many_requests: too many requests from this address' })
  detail(@Param('code', PortCodePipe) code: string): Promise<PortDetailDto> {
    return this.ports.detail(code);
  }

  @Put(':code/schedule')
  @Roles('port_admin')
  @ApiBearerAuth()
  @ApiOkResponse({ type: ScheduleResponseDto })
  @ApiErrors(400, 401, 403, 404, 413, { 422: 'invalid_schedule' })
  putSchedule(@Param('code', PortCodePipe) code: string, @Body() dto: PutScheduleDto): Promise<ScheduleResponseDto> {
    return this.ports.putSchedule(code, dto);
  }

  @Post(':code/schedule/preview')
  @Roles('port_admin')
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOkResponse({ type: SchedulePreviewDto, description: 'what PUT would give; nothing is written' })
  @ApiErrors(400, 401, 403, 404, 413, { 422: 'invalid_schedule' })
  previewSchedule(@Param('code', PortCodePipe) code: string, @Body() dto: PutScheduleDto): Promise<SchedulePreviewDto> {
    return this.schedulePreview.preview(code, dto);
  }

  @Get(':code/slots')
  @Public()
  @ApiOkResponse({ type: [SlotDto], description: 'sorted by startsAt' })
  @ApiErrors(
    400,
    404,
    { 422: 'date_out_of_range: more than 92 days back or beyond the horizon; nothing is created' },
    { 429: 'too_many_requests: too many requests from this address' },
  )
  slotsOf(@Param('code', PortCodePipe) code: string, @Query() query: SlotsQueryDto): Promise<SlotDto[]> {
    return this.slots.list(code, query);
  }

  @Post(':code/staff')
  @Roles('port_admin')
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiErrors(400, 401, 403, 404, { 409: 'duplicate_email' }, 413)
  async createStaff(
    @Param('code', PortCodePipe) code: string,
    @Body() dto: CreatePortStaffDto,
  ): Promise<UserResponseDto> {
    await this.ports.getOrFail(code);
    return this.users.create({
      email: dto.email,
      password: dto.password,
      role: dto.role ?? 'port_staff',
      portCode: code,
    });
  }
}
