import { Body, Controller, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@kouan/auth';
import { ApiErrors } from '@kouan/common';
import { BookingService } from './booking.service';
import { DeclarationsService } from './declarations.service';
import { DeclarationDto, DeclarationStatusDto, PutDeclarationDto, ReopenDeclarationDto } from './dto/declaration.dto';
import { IdempotencyKey } from './idempotency-key.decorator';
import { DriverSessionService } from './driver-session.service';
import {
  BookingDto,
  CreateBookingDto,
  CreatedBookingDto,
  DriverCodeDto,
  FirmSlotDto,
  FirmSlotsQueryDto,
  ListBookingsQueryDto,
  RescheduleDto,
  StatusDto,
} from './dto/booking.dto';

@ApiTags('bookings')
@ApiBearerAuth()
@Controller('bookings')
@Roles('firm_admin', 'dispatcher')
export class BookingsController {
  constructor(
    private readonly bookings: BookingService,
    private readonly sessions: DriverSessionService,
    private readonly declarations: DeclarationsService,
  ) {}

  @Post()
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'same key and body → the first answer again' })
  @ApiCreatedResponse({ type: CreatedBookingDto })
  @ApiErrors(
    400,
    401,
    403,
    { 404: 'slot, vehicle or driver (of the firm)' },
    {
      409: 'slot_full, quota_exceeded, vehicle_busy, slot_unavailable, conflict (the same Idempotency-Key still in flight)',
    },
    413,
    { 422: 'slot_past, outside_horizon, idempotency_mismatch' },
  )
  create(
    @CurrentPrincipal() p: Principal,
    @Body() dto: CreateBookingDto,
    @IdempotencyKey() key?: string,
  ): Promise<CreatedBookingDto> {
    return this.bookings.create(p, dto, key);
  }

  @Get()
  @ApiOkResponse({ type: [BookingDto], description: 'ordered by slot start, then creation' })
  @ApiErrors(400, 401, 403)
  list(@CurrentPrincipal() p: Principal, @Query() q: ListBookingsQueryDto): Promise<BookingDto[]> {
    return this.bookings.list(p, q);
  }

  @Get('slots')
  @ApiOkResponse({
    type: [FirmSlotDto],
    description: "a port's slots of a day, sorted by startsAt, with what this firm may still book",
  })
  @ApiErrors(400, 401, 403, 404, { 422: 'date_out_of_range' })
  slots(@CurrentPrincipal() p: Principal, @Query() q: FirmSlotsQueryDto): Promise<FirmSlotDto[]> {
    return this.bookings.slotsForFirm(p, q);
  }

  @Put(':id/declaration')
  @ApiOkResponse({
    type: DeclarationDto,
    description: "filed (status submitted); filing again clears customs' earlier answer",
  })
  @ApiErrors(
    400,
    401,
    403,
    {
      404: "not this firm's booking",
      409: 'illegal_transition: a final booking; declaration_locked: customs accepted it (staff reopen it first)',
    },
    413,
  )
  fileDeclaration(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: PutDeclarationDto,
  ): Promise<DeclarationDto> {
    return this.declarations.file(p, id, dto);
  }

  @Post(':id/declaration/status')
  @HttpCode(200)
  @Roles('port_staff', 'port_admin')
  @ApiOkResponse({ type: DeclarationDto })
  @ApiErrors(
    400,
    401,
    403,
    { 404: "the booking (another port's is not found)", 409: 'conflict: no declaration filed' },
    413,
  )
  answerDeclaration(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: DeclarationStatusDto,
  ): Promise<DeclarationDto> {
    return this.declarations.answer(p, id, dto);
  }

  @Post(':id/declaration/reopen')
  @HttpCode(200)
  @Roles('port_staff', 'port_admin')
  @ApiOkResponse({
    type: DeclarationDto,
    description:
      'an accepted declaration back to the firm (status reopened, the reason as note), which may then file again',
  })
  @ApiErrors(
    400,
    401,
    403,
    {
      404: "the booking (another port's is not found)",
      409: 'conflict: the declaration is not accepted; illegal_transition: a final booking',
    },
    413,
  )
  reopenDeclaration(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ReopenDeclarationDto,
  ): Promise<DeclarationDto> {
    return this.declarations.reopen(p, id, dto);
  }

  @Get(':id')
  @ApiOkResponse({ type: BookingDto })
  @ApiErrors(400, 401, 403, 404)
  get(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<BookingDto> {
    return this.bookings.get(p, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: StatusDto })
  @ApiErrors(400, 401, 403, 404, { 409: 'illegal_transition' })
  cancel(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<StatusDto> {
    return this.bookings.cancel(p, id);
  }

  @Post(':id/reschedule')
  @HttpCode(200)
  @ApiOkResponse({ type: BookingDto })
  @ApiErrors(
    400,
    401,
    403,
    { 404: 'booking or slot' },
    {
      409: 'same_slot, illegal_transition, slot_full, quota_exceeded, vehicle_busy, slot_unavailable',
    },
    413,
    { 422: 'wrong_port_or_direction, slot_past, outside_horizon' },
  )
  reschedule(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RescheduleDto,
  ): Promise<BookingDto> {
    return this.bookings.reschedule(p, id, dto.slotId);
  }

  @Post(':id/driver-code')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    type: DriverCodeDto,
    description:
      "a new driver code; the old one stops working, the reference's wrong-code counts start again, and the sessions opened with the old code end",
  })
  @ApiErrors(
    400,
    401,
    403,
    { 404: 'no such booking in your firm' },
    { 410: 'booking_closed: the booking is cancelled, completed or no_show' },
  )
  reissueDriverCode(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<DriverCodeDto> {
    return this.sessions.reissue(p, id);
  }
}
