import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CreateStaffDto, Public, Roles, UserResponseDto, UsersService } from '@kouan/auth';
import { ApiErrors, PaginationQueryDto } from '@kouan/common';
import { PortDetailDto, PortSummaryDto, SlotDto, SlotsQueryDto } from './dto/port.dto';
import { PutScheduleDto, ScheduleResponseDto } from './dto/schedule.dto';
import { PortCodePipe } from './port-code.pipe';
import { PortsService } from './ports.service';
import { SlotsService } from './slots.service';

@ApiTags('ports')
@Controller('ports')
export class PortsController {
  constructor(
    private readonly ports: PortsService,
    private readonly slots: SlotsService,
    private readonly users: UsersService,
  ) {}

  @Get()
  @Public()
  @ApiOkResponse({ type: [PortSummaryDto], description: 'ordered by code' })
  @ApiErrors(400, { 429: 'too_many_requests: too many requests from this address' })
  list(@Query() q: PaginationQueryDto): Promise<PortSummaryDto[]> {
    return this.ports.list(q);
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

  @Get(':code/slots')
  @Public()
  @ApiOkResponse({ type: [SlotDto], description: 'sorted by startsAt' })
  @ApiErrors(400, 404, { 422: 'date_out_of_range: more than 92 days back or beyond the horizon; nothing is created' }, { 429: 'too_many_requests: too many requests from this address' })
  slotsOf(@Param('code', PortCodePipe) code: string, @Query() query: SlotsQueryDto): Promise<SlotDto[]> {
    return this.slots.list(code, query);
  }

  @Post(':code/staff')
  @Roles('port_admin')
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiErrors(400, 401, 403, 404, { 409: 'duplicate_email' }, 413)
  async createStaff(@Param('code', PortCodePipe) code: string, @Body() dto: CreateStaffDto): Promise<UserResponseDto> {
    await this.ports.getOrFail(code);
    return this.users.create({ email: dto.email, password: dto.password, role: 'port_staff', portCode: code });
  }
}
