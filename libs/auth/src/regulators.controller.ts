import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@kouan/common';
import { Roles } from './decorators';
import { CreateStaffDto, UserResponseDto } from './dto/create-user.dto';
import { UsersService } from './users.service';

/** Regulators read the audit trail, KPIs and performance of every port, and change nothing. */
@ApiTags('auth')
@Controller('regulators')
export class RegulatorsController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Roles('port_admin')
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiErrors(400, 401, 403, { 409: 'duplicate_email' }, 413)
  create(@Body() dto: CreateStaffDto): Promise<UserResponseDto> {
    return this.users.create({ email: dto.email, password: dto.password, role: 'regulator' });
  }
}
