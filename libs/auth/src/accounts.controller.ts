import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@kouan/common';
import { AccountsService } from './accounts.service';
import { CurrentPrincipal, Roles } from './decorators';
import { AccountListItemDto, AccountResponseDto, TemporaryPasswordDto, UsersQueryDto } from './dto/create-user.dto';
import type { Principal } from './principal';

/**
 * The port side's accounts for the port admins (who administer every port: an admin has no port), and disabling and
 * enabling accounts: a port admin any account, a firm admin its own firm's (others do not exist: 404).
 */
@ApiTags('auth')
@Controller('users')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  /** Port staff, yard staff and regulators, by email (firm users: GET /firms/:id/users). */
  @Get()
  @Roles('port_admin')
  @ApiBearerAuth()
  @ApiOkResponse({ type: [AccountListItemDto], description: 'ordered by email' })
  @ApiErrors(400, 401, 403)
  list(@Query() q: UsersQueryDto): Promise<AccountListItemDto[]> {
    return this.accounts.list(q);
  }

  /** A new random password, shown only in this answer; the account's sessions end. */
  @Post(':id/reset-password')
  @Roles('port_admin')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOkResponse({ type: TemporaryPasswordDto })
  @ApiErrors(400, 401, { 403: "forbidden: a port admin's account" }, 404)
  resetPassword(@Param('id', ParseUUIDPipe) id: string): Promise<TemporaryPasswordDto> {
    return this.accounts.resetPassword(id);
  }

  /** The account can no longer sign in; its sessions end at once (tokens refused, sockets closed). */
  @Post(':id/disable')
  @Roles('port_admin', 'firm_admin')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOkResponse({ type: AccountResponseDto })
  @ApiErrors(400, 401, 403, 404, { 409: 'conflict: your own account' })
  disable(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<AccountResponseDto> {
    return this.accounts.setDisabled(p, id, true);
  }

  @Post(':id/enable')
  @Roles('port_admin', 'firm_admin')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOkResponse({ type: AccountResponseDto })
  @ApiErrors(400, 401, 403, 404)
  enable(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<AccountResponseDto> {
    return this.accounts.setDisabled(p, id, false);
  }
}
