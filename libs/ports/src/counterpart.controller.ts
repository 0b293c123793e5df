import { Body, Controller, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CreateStaffDto, CurrentPrincipal, Principal, Roles, UserResponseDto, UsersService } from '@kouan/auth';
import { ApiErrors, PortCodePipe } from '@kouan/common';
import { CounterpartDto, CounterpartStatusDto, PutAcceptanceDto } from './dto/counterpart.dto';
import { CounterpartService } from './counterpart.service';
import { PortsService } from './ports.service';

/**
 * The far side of a port's border: its officers (role `counterpart`, one port each, made by the port admin; a system
 * signs in as one the same way) state what they accept of our export trucks and whether they are open.
 */
@ApiTags('counterpart')
@ApiBearerAuth()
@Controller('ports/:code/counterpart')
export class CounterpartController {
  constructor(
    private readonly counterpart: CounterpartService,
    private readonly ports: PortsService,
    private readonly users: UsersService,
  ) {}

  @Post('users')
  @Roles('port_admin')
  @ApiCreatedResponse({ type: UserResponseDto, description: "an officer (or system) of the port's far side" })
  @ApiErrors(400, 401, 403, 404, { 409: 'duplicate_email' }, 413)
  async createUser(@Param('code', PortCodePipe) code: string, @Body() dto: CreateStaffDto): Promise<UserResponseDto> {
    await this.ports.getOrFail(code);
    return this.users.create({ email: dto.email, password: dto.password, role: 'counterpart', portCode: code });
  }

  @Put('acceptance')
  @Roles('counterpart', 'port_admin')
  @ApiOkResponse({ type: CounterpartDto, description: "the far side as GET /ports/:code's `counterpart` shows it" })
  @ApiErrors(
    400,
    401,
    { 403: "anyone but a port admin or this port's counterpart" },
    { 404: 'the port (another port, for a counterpart)' },
    413,
    {
      422: 'invalid_acceptance: windows overlap or end before they start, or the port has no schedule; date_out_of_range: before today or beyond the horizon',
    },
  )
  putAcceptance(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Body() dto: PutAcceptanceDto,
  ): Promise<CounterpartDto> {
    return this.counterpart.putAcceptance(p, code, dto);
  }

  @Post('status')
  @Roles('counterpart', 'port_admin')
  @HttpCode(200)
  @ApiOkResponse({ type: CounterpartDto, description: "the far side as GET /ports/:code's `counterpart` shows it" })
  @ApiErrors(
    { 400: 'bad input, or until not later than now' },
    401,
    { 403: "anyone but a port admin or this port's counterpart" },
    { 404: 'the port (another port, for a counterpart)' },
    413,
  )
  setStatus(
    @CurrentPrincipal() p: Principal,
    @Param('code', PortCodePipe) code: string,
    @Body() dto: CounterpartStatusDto,
  ): Promise<CounterpartDto> {
    return this.counterpart.setStatus(p, code, dto);
  }
}
